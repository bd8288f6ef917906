package dev.microbatch.runner;

import dev.microbatch.engine.scheduler.JobCancelledException;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.status.StatusServer;
import dev.microbatch.runner.translation.ExecutablePipeline;
import dev.microbatch.runner.translation.streaming.StreamingPipeline;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.util.UserCodeException;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/** The handle of a running pipeline: its state, its metrics, and the way to wait or cancel. */
public final class MicroBatchPipelineResult implements PipelineResult {
  private final ExecutablePipeline pipeline;
  private final PipelineMetrics metrics;
  private final @Nullable StatusServer status;
  private final CompletableFuture<Void> execution = new CompletableFuture<>();
  private volatile State state = State.RUNNING;

  private MicroBatchPipelineResult(
      ExecutablePipeline pipeline, PipelineMetrics metrics, @Nullable StatusServer status) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.status = status;
  }

  /**
   * Starts executing {@code pipeline} on a driver thread of its own; {@code status}, if any, is
   * closed when it ends.
   */
  static MicroBatchPipelineResult start(
      ExecutablePipeline pipeline, PipelineMetrics metrics, @Nullable StatusServer status) {
    MicroBatchPipelineResult result = new MicroBatchPipelineResult(pipeline, metrics, status);
    Thread driver =
        new Thread(
            () -> {
              try {
                pipeline.execute();
                result.finish(State.DONE, null);
              } catch (JobCancelledException e) {
                result.finish(State.CANCELLED, null);
              } catch (Throwable t) {
                result.finish(State.FAILED, t);
              }
            },
            "microbatch-driver");
    driver.setDaemon(true);
    driver.start();
    return result;
  }

  private void finish(State finalState, @Nullable Throwable failure) {
    if (status != null) {
      status.close();
    }
    state = finalState;
    if (failure == null) {
      execution.complete(null);
    } else {
      execution.completeExceptionally(failure);
    }
  }

  @Override
  public State getState() {
    return state;
  }

  @Override
  public State cancel() {
    if (!state.isTerminal()) {
      pipeline.cancel();
      try {
        execution.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // The pipeline failed before the cancel took effect; its state says so.
      }
    }
    return state;
  }

  /** Waits at most {@code duration} (less than 1 ms: no limit); null if still running then. */
  @Override
  public @Nullable State waitUntilFinish(Duration duration) {
    try {
      if (duration.getMillis() < 1) {
        execution.get();
      } else {
        execution.get(duration.getMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw asPipelineFailure(e.getCause());
    }
    return state;
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  /** Where the job's status is served (--statusPort), if it is. */
  public Optional<URI> statusUrl() {
    return Optional.ofNullable(status).map(StatusServer::url);
  }

  /** Streaming mode: hears about each batch from now on (its time, records, delays, watermark). */
  public void addStreamingListener(StreamingListener listener) {
    if (!(pipeline instanceof StreamingPipeline streaming)) {
      throw new IllegalStateException(
          "Only a pipeline run with --streaming has batches to listen to");
    }
    streaming.addListener(listener);
  }

  @Override
  public MetricResults metrics() {
    MetricsContainerStepMap attempted = metrics.now();
    MetricsContainerStepMap committed =
        state == State.DONE ? attempted : new MetricsContainerStepMap();
    return MetricsContainerStepMap.asMetricResults(attempted, committed);
  }

  /** The user's exception, as Beam's runners report it: wrapped once, never twice. */
  private static RuntimeException asPipelineFailure(Throwable failure) {
    if (failure instanceof UserCodeException) {
      return new PipelineExecutionException(failure.getCause());
    }
    return new PipelineExecutionException(failure);
  }
}
