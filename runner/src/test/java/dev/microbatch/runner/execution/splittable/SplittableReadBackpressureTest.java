package dev.microbatch.runner.execution.splittable;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.junit.jupiter.api.Test;

/**
 * Backpressure reaches unbounded splittable DoFns (KafkaIO's SDF read, say): they read at most
 * their share of each batch's budget, and a restriction that blocks waiting for input does not
 * stall every batch.
 */
class SplittableReadBackpressureTest {
  private static final String READ_STEP = "ReadEndlessly/ParMultiDo(Endless)/ProcessKeyedElements";

  @Test
  void anUnboundedSplittableDoFnReadsAtMostItsShareOfTheBudgetAndTheDelayStaysBounded()
      throws Exception {
    Pipeline pipeline = streaming("--batchIntervalMillis=100", "--initialRate=500");
    pipeline
        .apply(Create.of("a", "b"))
        .apply("ReadEndlessly", ParDo.of(new Endless()))
        .apply(ParDo.of(new SlowDoFn())); // about 1000 records/s on one thread
    List<MicroBatchInfo> batches = run(pipeline, 40);

    for (MicroBatchInfo batch : batches) {
      assertThat(batch.sourceBudgets(), hasKey(READ_STEP));
      assertThat(
          batch.inputRecords().get(READ_STEP),
          lessThanOrEqualTo(batch.sourceBudgets().get(READ_STEP)));
    }
    List<MicroBatchInfo> settled = batches.subList(20, batches.size());
    assertThat(settled.stream().mapToLong(MicroBatchInfo::numRecords).sum(), greaterThan(0L));
    // Unlimited, the read would output 10,000 records a call, 10 s of work a batch, and the delay
    // would grow by that much every batch. The bound is generous (30 intervals) so that a loaded
    // machine's pause does not fail it.
    assertThat(
        settled.stream().map(MicroBatchInfo::schedulingDelay).toList(),
        everyItem(lessThan(3_000L)));
  }

  @Test
  void restrictionsThatBlockWithoutOutputAreResumedSparinglyInsteadOfStallingEveryBatch()
      throws Exception {
    Pipeline pipeline = streaming("--batchIntervalMillis=100");
    pipeline
        .apply(Create.of("p0", "p1", "p2"))
        .apply(ParDo.of(new BlocksLikeAnIdleKafkaPartition()));
    IDLE_CALLS.set(0);
    List<MicroBatchInfo> batches = run(pipeline, 30);

    long wallMillis =
        batches.get(batches.size() - 1).processingEndTime() - batches.get(0).processingStartTime();
    // Each call blocks 300 ms; after one, the task waits 600 ms before it resumes another: the
    // three first calls, then at most one in 900 ms. Resumed every batch, all three would run
    // in every batch, and each batch would take 900 ms of its 100.
    assertThat((long) IDLE_CALLS.get(), lessThanOrEqualTo(3 + wallMillis / 900 + 1));
    // resumed every batch, the delay would grow by 800 ms a batch: 16 s by the last one; the
    // bound is generous so that a loaded machine's pause does not fail it
    assertThat(
        batches.subList(10, batches.size()).stream().map(MicroBatchInfo::schedulingDelay).toList(),
        everyItem(lessThan(3_000L)));
  }

  private static Pipeline streaming(String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--parallelism=1",
                "--blockOnRun=false"));
    args.addAll(List.of(more));
    return Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
  }

  /** Runs {@code pipeline} for {@code count} completed batches, then cancels it. */
  private static List<MicroBatchInfo> run(Pipeline pipeline, int count) throws Exception {
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
    List<MicroBatchInfo> batches = new CopyOnWriteArrayList<>();
    result.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            batches.add(batch);
          }
        });
    while (batches.size() < count) {
      if (result.getState().isTerminal()) {
        result.waitUntilFinish(); // throws what failed it
      }
      Thread.sleep(20);
    }
    result.cancel();
    return List.copyOf(batches).subList(0, count);
  }

  /** Claims positions forever, as fast as it is let. */
  @DoFn.UnboundedPerElement
  private static final class Endless extends DoFn<String, Long> {
    @ProcessElement
    public ProcessContinuation process(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Long> out) {
      for (long position = tracker.currentRestriction().getFrom();
          tracker.tryClaim(position);
          position++) {
        out.output(position);
      }
      return ProcessContinuation.stop(); // checkpointed: the runner resumes the residual
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, Long.MAX_VALUE);
    }
  }

  private static final class SlowDoFn extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long position, OutputReceiver<Long> out)
        throws InterruptedException {
      Thread.sleep(1);
      out.output(position);
    }
  }

  private static final AtomicInteger IDLE_CALLS = new AtomicInteger();

  /** Finds nothing to read after waiting 300 ms, and asks to resume at once (KafkaIO does). */
  @DoFn.UnboundedPerElement
  private static final class BlocksLikeAnIdleKafkaPartition extends DoFn<String, Long> {
    @ProcessElement
    public ProcessContinuation process(RestrictionTracker<OffsetRange, Long> tracker)
        throws InterruptedException {
      IDLE_CALLS.incrementAndGet();
      Thread.sleep(300);
      return ProcessContinuation.resume();
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, Long.MAX_VALUE);
    }
  }
}
