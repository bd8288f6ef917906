package dev.microbatch.runner;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A pipeline with an unbounded PCollection, run without --streaming, switches to streaming mode by
 * itself and gives the DirectRunner's answer, as on FlinkRunner and SparkRunner.
 */
class UnboundedPipelineInBatchModeTest {

  @Test
  void aTestStreamPipelineRunsWithoutTheStreamingFlag() {
    assertThat(
        assertSameOutput(
            Mode.BATCH,
            p ->
                p.apply(
                        TestStream.create(org.apache.beam.sdk.coders.StringUtf8Coder.of())
                            .addElements(
                                TimestampedValue.of("a", new Instant(1_000)),
                                TimestampedValue.of("b", new Instant(2_000)),
                                TimestampedValue.of("a", new Instant(61_000)))
                            .advanceWatermarkTo(new Instant(60_000))
                            .addElements(TimestampedValue.of("a", new Instant(62_000)))
                            .advanceWatermarkToInfinity())
                    .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
                    .apply(Count.perElement())),
        hasSize(3));
  }

  @Test
  void aPeriodicImpulseRunsWithoutTheStreamingFlag() {
    assertThat(
        assertSameOutput(
            Mode.BATCH,
            p ->
                p.apply(
                        PeriodicImpulse.create()
                            .startAt(new Instant(0))
                            .stopAt(new Instant(1_000))
                            .withInterval(Duration.millis(200)))
                    .apply(MapElements.into(TypeDescriptors.longs()).via(Instant::getMillis))),
        hasSize(6));
  }
}
