package dev.microbatch.runner.execution.splittable;

import static dev.microbatch.runner.StreamingScript.SCRIPT;
import static dev.microbatch.runner.StreamingScript.assertCountsPerWindowOfTheScript;
import static dev.microbatch.runner.StreamingScript.at;
import static dev.microbatch.runner.StreamingScript.streamingPipeline;

import dev.microbatch.runner.LateValues;
import dev.microbatch.runner.PAsserts;
import dev.microbatch.runner.ScriptedUnboundedSource;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
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

/** Unbounded splittable DoFns in streaming mode: residuals resumed batch after batch, and the per-batch record budget. */
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
}
