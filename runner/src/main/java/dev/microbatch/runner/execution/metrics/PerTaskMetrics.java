package dev.microbatch.runner.execution.metrics;

import dev.microbatch.engine.scheduler.TaskContext;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.MetricsContainer;

/** One step's metrics as its tasks update them, each in a container of its own. */
@Internal
public final class PerTaskMetrics {
  private final PipelineMetrics pipeline;
  private final String stepName;

  public PerTaskMetrics(PipelineMetrics pipeline, String stepName) {
    this.pipeline = pipeline;
    this.stepName = stepName;
  }

  /** The container {@code task} updates; its metrics join the step's when the task ends. */
  public MetricsContainer forTask(TaskContext task) {
    return new CachingMetricsContainer(pipeline.forTask(stepName, task));
  }

  /**
   * Runs {@code call} in a task (a batch's read of one reader) with a container of its own current,
   * which joins the step's when the call returns or throws.
   */
  public <T, E extends Exception> T inOwnContainer(StepMetrics.Call<T, E> call) throws E {
    MetricsContainerImpl own = pipeline.running(stepName);
    try {
      return StepMetrics.inScope(own, call);
    } finally {
      pipeline.ended(own);
    }
  }
}
