package dev.microbatch.runner;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.scheduler.JobProgress;
import dev.microbatch.engine.shuffle.ShuffleMemory;
import dev.microbatch.engine.stream.MicroBatchClock;
import dev.microbatch.engine.stream.MicroBatchStatistics;
import dev.microbatch.engine.stream.PacedMicroBatchClock;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.rate.PIDRateEstimator;
import dev.microbatch.engine.stream.rate.RateController;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.status.ConsoleProgress;
import dev.microbatch.runner.status.StatusServer;
import dev.microbatch.runner.translation.ExecutablePipeline;
import dev.microbatch.runner.translation.PipelinePreparation;
import dev.microbatch.runner.translation.batch.BatchPipelineTranslator;
import dev.microbatch.runner.translation.streaming.StreamingPipeline;
import dev.microbatch.runner.translation.streaming.StreamingPipelineTranslator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Beam runner that executes pipelines on the MicroBatch engine. Select it with {@code
 * --runner=MicroBatchRunner}.
 */
public class MicroBatchRunner extends PipelineRunner<MicroBatchPipelineResult> {
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatchRunner.class);

  private final MicroBatchPipelineOptions options;

  protected MicroBatchRunner(MicroBatchPipelineOptions options) {
    this.options = options;
  }

  /** Called by Beam with the user's options; fails fast on options that are wrong. */
  public static MicroBatchRunner fromOptions(PipelineOptions options) {
    return new MicroBatchRunner(validate(options));
  }

  static MicroBatchPipelineOptions validate(PipelineOptions options) {
    MicroBatchPipelineOptions mb =
        PipelineOptionsValidator.validate(MicroBatchPipelineOptions.class, options);
    if (mb.getParallelism() == -1) {
      mb.setParallelism(Runtime.getRuntime().availableProcessors());
    }
    if (mb.getParallelism() < 1) {
      throw new IllegalArgumentException(
          "--parallelism must be at least 1 (or -1 for the available processors), but was "
              + mb.getParallelism());
    }
    if (mb.getBatchIntervalMillis() < 1) {
      throw new IllegalArgumentException(
          "--batchIntervalMillis must be at least 1, but was " + mb.getBatchIntervalMillis());
    }
    if (mb.getMaxRecordsPerBatch() != -1 && mb.getMaxRecordsPerBatch() < 1) {
      throw new IllegalArgumentException(
          "--maxRecordsPerBatch must be -1 (no cap) or at least 1, but was "
              + mb.getMaxRecordsPerBatch());
    }
    if (mb.getCheckpointIntervalBatches() < 1) {
      throw new IllegalArgumentException(
          "--checkpointIntervalBatches must be at least 1, but was "
              + mb.getCheckpointIntervalBatches());
    }
    if (mb.getReadRetryWindowMillis() < 0) {
      throw new IllegalArgumentException(
          "--readRetryWindowMillis must be at least 0, but was " + mb.getReadRetryWindowMillis());
    }
    if (mb.getStatusPort() < -1 || mb.getStatusPort() > 65535) {
      throw new IllegalArgumentException(
          "--statusPort must be -1 (none), 0 (a free port) or a port up to 65535, but was "
              + mb.getStatusPort());
    }
    requireRate("--initialRate", mb.getInitialRate(), true);
    requireRate("--minRate", mb.getMinRate(), false);
    requireRate("--maxRatePerReader", mb.getMaxRatePerReader(), true);
    if (mb.getShuffleMemoryMb() < 0) {
      throw new IllegalArgumentException(
          "--shuffleMemoryMb must be 0 (a third of the heap) or a number of MiB, but was "
              + mb.getShuffleMemoryMb());
    }
    if (mb.getCheckpointDirectory() != null && mb.getCheckpointDirectory().isBlank()) {
      throw new IllegalArgumentException(
          "--checkpointDirectory must name a directory, but was empty");
    }
    return mb;
  }

  private static void requireRate(String option, long rate, boolean unlimitedAllowed) {
    if (rate < 1 && !(unlimitedAllowed && rate == -1)) {
      throw new IllegalArgumentException(
          option
              + " must be "
              + (unlimitedAllowed ? "-1 (no limit) or " : "")
              + "at least 1 record per second, but was "
              + rate);
    }
  }

  public MicroBatchPipelineOptions getOptions() {
    return options;
  }

  @Override
  public MicroBatchPipelineResult run(Pipeline pipeline) {
    switchToStreamingIfUnbounded(pipeline);
    FileSystems.setDefaultPipelineOptions(options);
    MetricsEnvironment.setMetricsSupported(true);
    PipelineMetrics metrics = new PipelineMetrics();
    ExecutablePipeline executable = translate(pipeline, metrics);
    if (!options.isStreaming() && options.isConsoleProgress()) {
      executable.addJobListener(ConsoleProgress.forStandardOutput(options.getParallelism()));
    }
    MicroBatchPipelineResult result =
        MicroBatchPipelineResult.start(executable, metrics, status(pipeline, executable, metrics));
    if (options.isBlockOnRun()) {
      result.waitUntilFinish();
    }
    return result;
  }

  /**
   * Batch mode runs bounded pipelines in one pass; a pipeline with an unbounded PCollection, or a
   * TestStream (whose events play in processing time), runs in streaming mode, as FlinkRunner and
   * SparkRunner switch to it by themselves.
   */
  private void switchToStreamingIfUnbounded(Pipeline pipeline) {
    if (options.isStreaming()) {
      return;
    }
    String unbounded = PipelinePreparation.firstUnboundedPCollection(pipeline);
    if (unbounded != null) {
      LOG.info("Found unbounded PCollection {}: switching to streaming mode", unbounded);
      options.setStreaming(true);
    } else if (PipelinePreparation.hasTestStream(pipeline)) {
      LOG.info("Found a TestStream: switching to streaming mode");
      options.setStreaming(true);
    }
  }

  /** With --statusPort, the status server of the translated pipeline; null without. */
  private @Nullable StatusServer status(
      Pipeline pipeline, ExecutablePipeline executable, PipelineMetrics metrics) {
    if (options.getStatusPort() < 0) {
      return null;
    }
    Map<String, String> transforms = new LinkedHashMap<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            transforms.put(node.getFullName(), node.getTransform().getClass().getSimpleName());
          }
        });
    JobProgress jobs = new JobProgress(20);
    executable.addJobListener(jobs);
    MicroBatchStatistics batches = null;
    Supplier<Map<String, Instant>> watermarks = Map::of;
    if (executable instanceof StreamingPipeline streaming) {
      batches =
          new MicroBatchStatistics(
              options.getBatchIntervalMillis(), System.currentTimeMillis(), 1000);
      streaming.addListener(batches);
      watermarks = streaming::watermarks;
    }
    StatusServer server =
        StatusServer.start(options.getStatusPort(), transforms, batches, watermarks, jobs, metrics);
    LOG.info("The job's status is at {}", server.url());
    return server;
  }

  /** Batch mode by default; every PCollection a stream of micro-batches with --streaming. */
  private ExecutablePipeline translate(Pipeline pipeline, PipelineMetrics metrics) {
    if (options.isStreaming()) {
      Duration interval = Duration.ofMillis(options.getBatchIntervalMillis());
      StreamingContext streaming;
      if (PipelinePreparation.hasTestStream(pipeline)) {
        // A TestStream's events play back to back: the TestStream's own clock is the pipeline's
        // processing time, so wall time between batches means nothing.
        PacedMicroBatchClock clock = new PacedMicroBatchClock(System.currentTimeMillis());
        streaming = new StreamingContext(interval, engine(), clock);
        streaming.addListener(clock);
      } else {
        streaming = new StreamingContext(interval, engine(), MicroBatchClock.system());
      }
      if (options.isBackpressure()) {
        streaming.enableBackpressure(
            new RateController(
                new PIDRateEstimator(options.getBatchIntervalMillis(), options.getMinRate()),
                options.getBatchIntervalMillis(),
                Math.max(0, options.getInitialRate()),
                Math.max(0, options.getMaxRatePerReader())));
      }
      return new StreamingPipelineTranslator(streaming, options, metrics).translate(pipeline);
    }
    return new BatchPipelineTranslator(engine(), options, metrics).translate(pipeline);
  }

  private EngineContext engine() {
    long mb = options.getShuffleMemoryMb();
    long budget = mb > 0 ? mb << 20 : Runtime.getRuntime().maxMemory() / 3;
    return new EngineContext(options.getParallelism(), new ShuffleMemory(budget));
  }

  @Override
  public String toString() {
    return "MicroBatchRunner";
  }
}
