package dev.microbatch.runner.execution.splittable;

import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.PAsserts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/**
 * Unbounded splittable DoFns in streaming mode: residuals resumed batch after batch, and the
 * per-batch record budget.
 */
class StreamingSplittableDoFnTest {

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
        pipeline
            .apply(Create.of("x", "y"))
            .apply(ParDo.of(new AllPositionsAtOnce(50)))
            .apply(Values.create());
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

  /** Claims every position of [0, {@code positions}) in one call, as fast as it is let. */
  @DoFn.UnboundedPerElement
  private static final class AllPositionsAtOnce extends DoFn<String, KV<String, Long>> {
    private final long positions;

    AllPositionsAtOnce(long positions) {
      this.positions = positions;
    }

    @ProcessElement
    public ProcessContinuation process(
        @Element String name,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<KV<String, Long>> out) {
      for (long position = tracker.currentRestriction().getFrom();
          tracker.tryClaim(position);
          position++) {
        out.output(KV.of(name, position));
      }
      return ProcessContinuation.stop();
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, positions);
    }
  }

  private static final class CountInBatch extends DoFn<Long, Void> {
    @ProcessElement
    public void process(@Element Long position) {
      SEEN_IN_BATCH.incrementAndGet();
    }
  }

  /** Records output so far per restriction (element), across the batches of one test. */
  private static final Map<String, Long> OUTPUT_PER_RESTRICTION = new ConcurrentHashMap<>();

  /** What a batch read, and the records per restriction after it. */
  private record AfterBatch(long read, Map<String, Long> perRestriction) {}

  /**
   * Runs {@code read} over the restrictions {@code names} in 50 ms batches of at most 30 records,
   * one task, for 12 batches.
   */
  private static List<AfterBatch> twelveBatches(
      DoFn<String, KV<String, Long>> read, List<String> names, String... moreArgs)
      throws Exception {
    OUTPUT_PER_RESTRICTION.clear();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--batchIntervalMillis=50",
                "--parallelism=1",
                "--maxRecordsPerBatch=30",
                "--blockOnRun=false"));
    args.addAll(List.of(moreArgs));
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
    pipeline
        .apply(Create.of(names))
        .apply(ParDo.of(read))
        .apply(Keys.create())
        .apply(ParDo.of(new CountPerRestriction()));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
    List<AfterBatch> batches = new CopyOnWriteArrayList<>();
    CountDownLatch twelve = new CountDownLatch(12);
    result.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            batches.add(new AfterBatch(batch.numRecords(), Map.copyOf(OUTPUT_PER_RESTRICTION)));
            twelve.countDown();
          }
        });
    try {
      assertThat(twelve.await(60, TimeUnit.SECONDS), equalTo(true));
    } finally {
      result.cancel();
    }
    return batches.subList(0, 12);
  }

  @Test
  void restrictionsThatAllHaveABacklogEachGetTheirShareOfEveryBatch() throws Exception {
    // each restriction holds a million positions: always more than a batch takes
    List<AfterBatch> batches =
        twelveBatches(new AllPositionsAtOnce(1_000_000), List.of("a", "b", "c"));

    // 30 records a batch: about 10 each, where one restriction would otherwise take all 30
    Map<String, Long> after12 = batches.get(11).perRestriction();
    assertThat(after12.toString(), after12.keySet(), containsInAnyOrder("a", "b", "c"));
    for (long output : after12.values()) {
      assertThat(after12.toString(), output, greaterThan(60L));
    }
  }

  private static final class CountPerRestriction extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String name) {
      OUTPUT_PER_RESTRICTION.merge(name, 1L, Long::sum);
    }
  }

  /**
   * Restriction "backlog" claims every position it may; the others one position a call, as a source
   * that receives little.
   */
  @DoFn.UnboundedPerElement
  private static final class OneBackloggedTheOthersSlow extends DoFn<String, KV<String, Long>> {
    @ProcessElement
    public ProcessContinuation process(
        @Element String name,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<KV<String, Long>> out) {
      long position = tracker.currentRestriction().getFrom();
      while (tracker.tryClaim(position)) {
        out.output(KV.of(name, position++));
        if (!name.equals("backlog")) {
          return ProcessContinuation.resume();
        }
      }
      return ProcessContinuation.stop();
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, 1_000_000);
    }
  }

  @Test
  void aRestrictionWithABacklogTakesTheShareOthersLeaveUnused() throws Exception {
    List<AfterBatch> batches =
        twelveBatches(
            new OneBackloggedTheOthersSlow(),
            List.of("backlog", "slow1", "slow2"),
            "--backpressure=false"); // the budget is 30 every batch

    // each slow restriction uses 1 of its share of 10: the backlog takes the 18 left, so batches
    // read their whole budget rather than 12
    List<Long> afterTheFirst = batches.subList(1, 12).stream().map(AfterBatch::read).toList();
    assertThat(afterTheFirst.toString(), Collections.min(afterTheFirst), equalTo(30L));
    Map<String, Long> after12 = batches.get(11).perRestriction();
    assertThat(after12.get("slow1"), greaterThanOrEqualTo(10L));
    assertThat(after12.get("slow2"), greaterThanOrEqualTo(10L));
  }
}
