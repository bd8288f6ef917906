package dev.microbatch.runner.execution.combine;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lifted Combine takes the outputs of the DoFn fused before it as they come, each a value with
 * the element whose timestamp and windows it has: what users see of that, against the DirectRunner.
 */
class CombineAfterFusedDoFnTest {

  /** Each key's value times ten: new values, in their element's timestamp and windows. */
  private static final class Tens extends DoFn<KV<String, Integer>, KV<String, Integer>> {
    @ProcessElement
    public void process(
        @Element KV<String, Integer> element, OutputReceiver<KV<String, Integer>> out) {
      out.output(KV.of(element.getKey(), element.getValue() * 10));
    }
  }

  /**
   * Each sum with its timestamp, window and pane timing, as a downstream DoFn sees them. Not
   * whether the pane is the last: with allowed lateness that depends on whether the watermark
   * passed the window's end and its lateness in one step or two, which differs from run to run on
   * either runner and is Beam's right answer either way.
   */
  private static final class Describe extends DoFn<KV<String, Integer>, String> {
    @ProcessElement
    public void process(
        @Element KV<String, Integer> sum,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<String> out) {
      out.output(sum + " at " + timestamp + " in " + window + " " + pane.getTiming());
    }
  }

  /** 40 values over 10 s, on 5 keys in turn. */
  private static List<TimestampedValue<KV<String, Integer>>> values() {
    List<TimestampedValue<KV<String, Integer>>> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      values.add(TimestampedValue.of(KV.of("k" + i % 5, i), new Instant(i * 250L)));
    }
    return values;
  }

  /** Each key's values times ten (by a fused DoFn), summed per key and window, described. */
  private static PCollection<String> describedSumsOfTens(PCollection<KV<String, Integer>> values) {
    return values
        .apply("Tens", ParDo.of(new Tens()))
        .apply(Sum.integersPerKey())
        .apply(ParDo.of(new Describe()));
  }

  /**
   * Streaming mode combines in one step where windows fire once (no allowed lateness), else through
   * Beam's ReduceFnRunner; both fold the fused DoFn's outputs in their partitions first.
   */
  @ParameterizedTest
  @CsvSource({
    "BATCH, LATEST, 0",
    "BATCH, EARLIEST, 0",
    "STREAMING, LATEST, 0",
    "STREAMING, EARLIEST, 0",
    "STREAMING, LATEST, 60",
    "STREAMING, EARLIEST, 60"
  })
  void sumsOfAFusedDoFnsOutputsInEachWindowAtTheirElementsTimestampsAreTheDirectRunners(
      Mode mode, TimestampCombiner timestamps, int allowedLatenessSeconds) {
    List<String> output =
        assertSameOutput(
            mode,
            pipeline ->
                describedSumsOfTens(
                    pipeline
                        .apply(Create.timestamped(values()))
                        // each value in two windows
                        .apply(
                            Window.<KV<String, Integer>>into(
                                    SlidingWindows.of(Duration.standardSeconds(2))
                                        .every(Duration.standardSeconds(1)))
                                .withTimestampCombiner(timestamps)
                                .withAllowedLateness(
                                    Duration.standardSeconds(allowedLatenessSeconds))
                                .discardingFiredPanes())));

    // 40 values over 10 s in 11 windows: 5 keys in each, but 4 in the first and the last
    assertThat(output, hasSize(53));
  }

  /** In the global window each key's sum is one pane at the window's end, in either mode. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void sumsOfAFusedDoFnsOutputsInTheGlobalWindowAreTheDirectRunners(Mode mode) {
    List<String> output =
        assertSameOutput(
            mode, pipeline -> describedSumsOfTens(pipeline.apply(Create.timestamped(values()))));

    assertThat(output, hasSize(5));
  }
}
