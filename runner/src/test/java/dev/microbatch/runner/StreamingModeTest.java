package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class StreamingModeTest {

  private static Pipeline streamingPipeline() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner", "--streaming", "--batchIntervalMillis=100", "--parallelism=2")
            .create());
  }

  private static TimestampedValue<String> at(String word, long seconds) {
    return TimestampedValue.of(word, new Instant(seconds * 1000));
  }

  /** Words in three fixed windows of 10 s, read two per batch: each window spans batches. */
  private static final List<TimestampedValue<String>> SCRIPT =
      List.of(
          at("a", 0), at("b", 1), at("a", 3), at("a", 9), // window [0, 10)
          at("b", 10), at("b", 12), at("c", 19), // window [10, 20)
          at("a", 25)); // window [20, 30)

  private static void assertCountsPerWindowOfTheScript(PCollection<KV<String, Long>> counts) {
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder(KV.of("a", 3L), KV.of("b", 1L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder(KV.of("b", 2L), KV.of("c", 1L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(20_000), new Instant(30_000)))
        .containsInAnyOrder(KV.of("a", 1L));
  }

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
    assertThat(LateValues.droppedPerStep(result), equalTo(Map.of("CountLate/Combine.perKey(Count)", 5L)));
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
   * One pane per key, on time and final, at the earliest timestamp of the values that came ahead
   * of the step's output watermark: a@2 came when it stood at 3 s, so it counts but gives the
   * pane no timestamp (Beam's ReduceFnRunner, and its DirectRunner, give a's pane 4 s).
   */
  private static void assertPanesAtTheEarliestOnTimeTimestamps(PCollection<KV<String, Long>> counts) {
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
                MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
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
            .apply("CountKeys", Combine.globally(Count.<KV<String, Long>>combineFn()).withoutDefaults());
    // Were a's pane at 2 s, behind the watermark, the window [2 s, 3 s) would have closed before it.
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

  @Test
  void aStatefulDoFnKeepsItsStateAcrossBatchesAndItsEventTimeTimerFiresAtEachWindowsEnd() {
    Pipeline pipeline = streamingPipeline();
    // two words per batch: every window's words arrive over two or more batches
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())).via(w -> KV.of(w, 1L)))
            .apply(ParDo.of(new CountAtWindowEnd()));
    assertCountsPerWindowOfTheScript(counts);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Counts each key's elements of a window in state, and outputs the count when it ends. */
  private static final class CountAtWindowEnd extends DoFn<KV<String, Long>, KV<String, Long>> {
    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Long> element,
        @StateId("count") ValueState<Long> count,
        @TimerId("end") Timer end,
        BoundedWindow window) {
      Long sofar = count.read();
      count.write((sofar == null ? 0 : sofar) + element.getValue());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String key, @StateId("count") ValueState<Long> count, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(key, count.read()));
    }
  }

  @Test
  void mainInputElementsWaitForTheirWindowOfASideInputAndSeeItComplete() {
    Pipeline pipeline = streamingPipeline();
    List<TimestampedValue<String>> script =
        List.of(
            at("a", 0), at("b", 1), at("a", 3), at("a", 9), // window [0, 10)
            at("b", 10), at("b", 12), at("c", 19)); // window [10, 20)
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(script, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))));
    // the side input of a window is complete only once the watermark passes the window's end,
    // batches after its first words were read
    PCollectionView<Long> wordsPerWindow =
        words.apply(Combine.globally(Count.<String>combineFn()).withoutDefaults()).apply(View.asSingleton());
    PCollection<String> shares =
        words.apply(ParDo.of(new WithWindowTotal(wordsPerWindow)).withSideInputs(wordsPerWindow));
    PAssert.that(shares)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder("a/4", "b/4", "a/4", "a/4");
    PAssert.that(shares)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder("b/3", "b/3", "c/3");

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Outputs each word with its window's word count, read from a side input. */
  private static final class WithWindowTotal extends DoFn<String, String> {
    private final PCollectionView<Long> total;

    WithWindowTotal(PCollectionView<Long> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(@Element String word, OutputReceiver<String> out, ProcessContext c) {
      out.output(word + "/" + c.sideInput(total));
    }
  }

  @Test
  void aStatefulDoFnsElementsWaitPerKeyForTheirSideInputWindowAndCountBeforeItsTimerFires() {
    Pipeline pipeline = streamingPipeline();
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))));
    PCollectionView<Long> wordsPerWindow =
        words.apply(Combine.globally(Count.<String>combineFn()).withoutDefaults()).apply(View.asSingleton());
    PCollection<String> counts =
        words
            .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())).via(w -> KV.of(w, 1L)))
            .apply(ParDo.of(new CountOfTotalAtWindowEnd(wordsPerWindow)).withSideInputs(wordsPerWindow));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder("a:3/4", "b:1/4");
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder("b:2/3", "c:1/3");
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(20_000), new Instant(30_000)))
        .containsInAnyOrder("a:1/1");

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Counts a key's elements of a window and, at the window's end, outputs count/window total. */
  private static final class CountOfTotalAtWindowEnd extends DoFn<KV<String, Long>, String> {
    private final PCollectionView<Long> total;

    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @StateId("total")
    private final StateSpec<ValueState<Long>> totalSpec = StateSpecs.value();

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    CountOfTotalAtWindowEnd(PCollectionView<Long> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(
        ProcessContext c,
        @StateId("count") ValueState<Long> count,
        @StateId("total") ValueState<Long> windowTotal,
        @TimerId("end") Timer end,
        BoundedWindow window) {
      Long sofar = count.read();
      count.write((sofar == null ? 0 : sofar) + c.element().getValue());
      windowTotal.write(c.sideInput(total));
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String key,
        @StateId("count") ValueState<Long> count,
        @StateId("total") ValueState<Long> windowTotal,
        OutputReceiver<String> out) {
      out.output(key + ":" + count.read() + "/" + windowTotal.read());
    }
  }

  /** What the DoFn below did, in order (one JVM runs the test). */
  private static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();

  @Test
  void aKeysTimersWaitForItsElementsThatWaitForTheirSideInputs() {
    EVENTS.clear();
    Pipeline pipeline = streamingPipeline();
    // two per batch: the watermark is 8, 19, 26, then the end of time
    List<TimestampedValue<String>> script =
        List.of(at("a", 5), at("b", 8), at("a", 12), at("c", 19), at("x", 25), at("y", 26), at("z", 27));
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(script, 2)))
            .apply(
                Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardSeconds(10))
                    .discardingFiredPanes());
    PCollectionView<Long> wordsPerWindow =
        words.apply(Combine.globally(Count.<String>combineFn()).withoutDefaults()).apply(View.asSingleton());
    words
        .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())).via(w -> KV.of(w, 1L)))
        .apply(ParDo.of(new TimerAtFifteen(wordsPerWindow)).withSideInputs(wordsPerWindow));

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    // a@12 waits for window [10, 20) of the side input, until the watermark reaches 26; the
    // timer a@5 set for 15 waits for it, as the watermark of a ParDo waits for what it pushed back
    assertThat(
        EVENTS.stream().filter(e -> e.contains("a@")).toList(),
        equalTo(List.of("a@5", "a@12", "timer a@15")));
  }

  /** Logs each element it reads a side input for; the element at 5 s sets a timer for 15 s. */
  private static final class TimerAtFifteen extends DoFn<KV<String, Long>, String> {
    private final PCollectionView<Long> view;

    @TimerId("late")
    private final TimerSpec lateSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    TimerAtFifteen(PCollectionView<Long> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c, @TimerId("late") Timer late) {
      c.sideInput(view);
      EVENTS.add(c.element().getKey() + "@" + c.timestamp().getMillis() / 1000);
      if (c.timestamp().getMillis() == 5000) {
        late.set(new Instant(15_000));
      }
    }

    @OnTimer("late")
    public void onLate(@Key String key) {
      EVENTS.add("timer " + key + "@15");
    }
  }

  @Test
  void anUnboundedSplittableDoFnResumesItsResidualBatchAfterBatchUntilItsRestrictionIsDone() {
    Pipeline pipeline = streamingPipeline();
    PCollection<Long> positions =
        pipeline.apply(Create.of("x", "y")).apply(ParDo.of(new ThreePositionsPerCall()));
    // each element's 20 positions take seven calls, so at least seven batches
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 20; i++) {
      expected.add(i);
      expected.add(i);
    }
    PAssert.that(positions).containsInAnyOrder(expected);

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Claims at most three positions of [0, 20) per call, then asks to be resumed. */
  @DoFn.UnboundedPerElement
  private static final class ThreePositionsPerCall extends DoFn<String, Long> {
    @ProcessElement
    public ProcessContinuation process(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Long> out) {
      long position = tracker.currentRestriction().getFrom();
      for (int claimed = 0; claimed < 3; claimed++, position++) {
        if (!tracker.tryClaim(position)) {
          return ProcessContinuation.stop();
        }
        out.output(position);
      }
      return ProcessContinuation.resume();
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, 20);
    }
  }

  /** Records seen downstream of the splittable DoFn below since the current batch started. */
  private static final AtomicLong SEEN_IN_BATCH = new AtomicLong();

  @Test
  void anUnboundedSplittableDoFnOutputsAtMostMaxRecordsPerBatchAndLosesNothing() {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=50",
                    "--parallelism=2",
                    "--maxRecordsPerBatch=7",
                    "--blockOnRun=false")
                .create());
    PCollection<Long> positions =
        pipeline.apply(Create.of("x", "y")).apply(ParDo.of(new AllPositionsAtOnce()));
    positions.apply(ParDo.of(new CountInBatch()));
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 50; i++) {
      expected.add(i);
      expected.add(i);
    }
    PAssert.that(positions).containsInAnyOrder(expected);

    MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
    List<Long> perBatch = new CopyOnWriteArrayList<>();
    result.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchStarted(long batchTime) {
            SEEN_IN_BATCH.set(0);
          }

          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            perBatch.add(SEEN_IN_BATCH.get());
          }
        });
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(pipeline, result);
    assertThat(perBatch.stream().mapToLong(Long::longValue).max().getAsLong(), equalTo(7L));
  }

  /** Claims every position of [0, 50) in one call, as fast as it is let. */
  @DoFn.UnboundedPerElement
  private static final class AllPositionsAtOnce extends DoFn<String, Long> {
    @ProcessElement
    public ProcessContinuation process(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Long> out) {
      for (long position = tracker.currentRestriction().getFrom(); tracker.tryClaim(position); position++) {
        out.output(position);
      }
      return ProcessContinuation.stop();
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, 50);
    }
  }

  private static final class CountInBatch extends DoFn<Long, Void> {
    @ProcessElement
    public void process(@Element Long position) {
      SEEN_IN_BATCH.incrementAndGet();
    }
  }

  @Test
  void aDoFnThatThrowsInStreamingFailsThePipelineWithThatException() {
    Pipeline pipeline = streamingPipeline();
    pipeline.apply(GenerateSequence.from(0)).apply(ParDo.of(new Failing()));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> pipeline.run().waitUntilFinish());
    assertThat(e.getCause(), instanceOf(IllegalStateException.class));
    assertThat(e.getCause().getMessage(), equalTo("boom in streaming"));
    assertThat(EngineThreads.alive(), empty());
  }

  private static final class Failing extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long n) {
      throw new IllegalStateException("boom in streaming");
    }
  }

  @Test
  void cancelStopsAnEndlessStreamingPipelineAndLeavesNoEngineThread() throws Exception {
    Pipeline pipeline = streamingPipeline();
    pipeline.getOptions().as(MicroBatchPipelineOptions.class).setBlockOnRun(false);
    pipeline
        .apply(GenerateSequence.from(0).withRate(1000, Duration.standardSeconds(1)))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply(MapElements.into(TypeDescriptors.longs()).via(n -> n % 10))
        .apply(Count.perElement());
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish(Duration.millis(500)), equalTo(null));

    assertThat(result.cancel(), equalTo(PipelineResult.State.CANCELLED));
    assertThat(EngineThreads.alive(), empty());
  }
}
