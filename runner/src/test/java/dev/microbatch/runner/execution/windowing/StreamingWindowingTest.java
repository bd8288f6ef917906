package dev.microbatch.runner.execution.windowing;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static dev.microbatch.runner.StreamingScript.SCRIPT;
import static dev.microbatch.runner.StreamingScript.assertCountsPerWindowOfTheScript;
import static dev.microbatch.runner.StreamingScript.at;
import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.runner.LateValues;
import dev.microbatch.runner.PAsserts;
import dev.microbatch.runner.SameAsDirectRunner.Mode;
import dev.microbatch.runner.ScriptedUnboundedSource;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Streaming mode's windows, watermarks, panes and late data, batch after batch. */
class StreamingWindowingTest {

  @Test
  void anUnboundedSourceIsCountedPerFixedWindowAcrossBatchesAndTheJobEndsWithItsWatermark() {
    ScriptedUnboundedSource.FINALIZED.set(0);
    Pipeline pipeline = streamingPipeline();
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(Count.perElement());
    assertCountsPerWindowOfTheScript(counts);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    // two words per batch: at least four batches, each finalizing its checkpoint
    assertThat(ScriptedUnboundedSource.FINALIZED.get(), greaterThan(3));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void aWindowWhoseEndAndGarbageCollectionPassInOneBatchFiresOnePane() {
    Pipeline pipeline = streamingPipeline();
    // with allowed lateness, a window's end and its garbage collection are two timers; the
    // watermark passes both at once for [10, 20) and [20, 30), jumping from 12 s to the end
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(
                Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardSeconds(5))
                    .discardingFiredPanes())
            .apply(Count.perElement());
    assertCountsPerWindowOfTheScript(counts);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
  }

  @Test
  void lateValuesAreDroppedAndEachCountedInTheStepsDroppedDueToLatenessMetric() {
    Pipeline pipeline = streamingPipeline();
    TestStream<String> words =
        TestStream.create(StringUtf8Coder.of())
            .addElements(at("a", 1), at("a", 2))
            .advanceWatermarkTo(new Instant(20_000))
            // their window [0, 10) is past: late, no allowed lateness; each counts, as in Beam's
            // runners, though the map side of the Combine folds the a's of a partition into one
            .addElements(at("a", 3), at("a", 4), at("a", 5), at("a", 6), at("b", 7))
            .advanceWatermarkToInfinity();
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(words)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply("CountLate", Count.perElement());
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder(KV.of("a", 2L));

    PipelineResult result = PAsserts.runAndVerify(pipeline);
    assertThat(result.getState(), equalTo(PipelineResult.State.DONE));
    assertThat(
        LateValues.droppedPerStep(result), equalTo(Map.of("CountLate/Combine.perKey(Count)", 5L)));
  }

  @Test
  void aKeysValueIsLateByTheWatermarkOfTheBatchBeforeThoughTheKeySatOutThatBatch() {
    // a@25 opens [20 s, 30 s) of a; the watermark moves to 21 s in a batch where a has nothing to
    // do; then a@15 comes, in [10 s, 20 s), which expired at 20 s: late, as on Beam's runners
    List<String> panes =
        assertSameOutput(
            Mode.STREAMING,
            p ->
                p.apply(
                        TestStream.create(StringUtf8Coder.of())
                            .advanceWatermarkTo(new Instant(12_000))
                            .addElements(at("a", 25))
                            .advanceWatermarkTo(new Instant(21_000))
                            .addElements(at("a", 15))
                            .advanceWatermarkToInfinity())
                    .apply(
                        Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                            .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                            .withAllowedLateness(Duration.ZERO)
                            .discardingFiredPanes())
                    .apply(WithKeys.of((String w) -> w).withKeyType(TypeDescriptors.strings()))
                    .apply(GroupByKey.create())
                    .apply(Reify.windows())
                    .apply(
                        MapElements.into(TypeDescriptors.strings())
                            .via(
                                pane ->
                                    pane.getValue().getKey()
                                        + " "
                                        + Iterables.size(pane.getValue().getValue())
                                        + " in "
                                        + pane.getWindow()
                                        + " "
                                        + pane.getPaneInfo().getTiming())));
    assertThat(panes, everyItem(containsString("in [1970-01-01T00:00:20.000Z")));
  }

  /**
   * Over three batches, into fixed windows of 10 s whose output timestamp is the earliest: a@4;
   * watermark 3 s; a@2 (behind the watermark, in a window still open) and b@9; watermark 8 s; a@7.
   */
  private static PCollection<String> earliestWindowsOverThreeBatches(Pipeline pipeline) {
    TestStream<String> words =
        TestStream.create(StringUtf8Coder.of())
            .addElements(at("a", 4))
            .advanceWatermarkTo(new Instant(3_000))
            .addElements(at("a", 2), at("b", 9))
            .advanceWatermarkTo(new Instant(8_000))
            .addElements(at("a", 7))
            .advanceWatermarkToInfinity();
    return pipeline
        .apply(words)
        .apply(
            Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                .withTimestampCombiner(TimestampCombiner.EARLIEST));
  }

  /**
   * One pane per key, on time and final, at the earliest timestamp of the values that came ahead of
   * the step's output watermark: a@2 came when it stood at 3 s, so it counts but gives the pane no
   * timestamp (Beam's ReduceFnRunner, and its DirectRunner, give a's pane 4 s).
   */
  private static void assertPanesAtTheEarliestOnTimeTimestamps(
      PCollection<KV<String, Long>> counts) {
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(10_000));
    PAssert.that(counts.apply(Reify.timestamps()))
        .inOnTimePane(window)
        .containsInAnyOrder(
            TimestampedValue.of(KV.of("a", 3L), new Instant(4_000)),
            TimestampedValue.of(KV.of("b", 1L), new Instant(9_000)));
  }

  @Test
  void aCombinesPaneIsAtTheEarliestTimestampOfTheValuesThatCameAheadOfItsOutputWatermark() {
    Pipeline pipeline = streamingPipeline();
    PCollection<KV<String, Long>> counts =
        earliestWindowsOverThreeBatches(pipeline).apply("CountWords", Count.perElement());
    assertPanesAtTheEarliestOnTimeTimestamps(counts);

    PipelineResult result = PAsserts.runAndVerify(pipeline);
    assertThat(result.getState(), equalTo(PipelineResult.State.DONE));
    assertThat(LateValues.droppedPerStep(result), equalTo(Map.of()));
  }

  @Test
  void aGroupByKeysPaneIsAtTheEarliestTimestampOfTheValuesThatCameAheadOfItsOutputWatermark() {
    Pipeline pipeline = streamingPipeline();
    PCollection<KV<String, Long>> counts =
        earliestWindowsOverThreeBatches(pipeline)
            .apply(WithKeys.of((String w) -> w).withKeyType(TypeDescriptors.strings()))
            .apply(GroupByKey.create())
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(kv -> KV.of(kv.getKey(), (long) Iterables.size(kv.getValue()))));
    assertPanesAtTheEarliestOnTimeTimestamps(counts);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
  }

  @Test
  void aCombinesPaneIsNotLateForTheWindowsDownstreamOfIt() {
    Pipeline pipeline = streamingPipeline();
    PCollection<Long> keysPerSecond =
        earliestWindowsOverThreeBatches(pipeline)
            .apply("CountWords", Count.perElement())
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
            .apply(
                "CountKeys",
                Combine.globally(Count.<KV<String, Long>>combineFn()).withoutDefaults());
    // Were a's pane at 2 s, behind the watermark, the window [2 s, 3 s) would have closed before
    // it.
    PAssert.that(keysPerSecond)
        .inWindow(new IntervalWindow(new Instant(4_000), new Instant(5_000)))
        .containsInAnyOrder(1L);
    PAssert.that(keysPerSecond)
        .inWindow(new IntervalWindow(new Instant(9_000), new Instant(10_000)))
        .containsInAnyOrder(1L);

    PipelineResult result = PAsserts.runAndVerify(pipeline);
    assertThat(result.getState(), equalTo(PipelineResult.State.DONE));
    assertThat(LateValues.droppedPerStep(result), equalTo(Map.of()));
  }
}
