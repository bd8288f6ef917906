package dev.microbatch.runner.execution.splittable;

import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.PAsserts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
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
      for (long position = tracker.currentRestriction().getFrom();
          tracker.tryClaim(position);
          position++) {
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
}
