package dev.microbatch.runner.execution;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.metrics.PerTaskMetrics;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import java.util.Map;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a step's execution needs to know of the transform it runs, in either mode: the options, its
 * name and metrics, its input and outputs, and where to leave clean-up for the pipeline's end.
 * Translation's contexts give it; execution code never sees translation.
 */
@Internal
public interface StepEnvironment {
  MicroBatchPipelineOptions options();

  PipelineMetrics metrics();

  /** The metrics container of the step, for its user code to find current outside tasks. */
  MetricsContainer stepMetrics();

  /** The step's metrics as each task updates them, in a container of its own. */
  PerTaskMetrics taskMetrics();

  /** Partitions of every shuffle, and bundles a source is split into. */
  int parallelism();

  /** The transform's full name: the step name of its metrics. */
  String stepName();

  <T> PCollection<T> input();

  Map<TupleTag<?>, PCollection<?>> outputs();

  /** Registers clean-up to run once the pipeline has ended, however it ended. */
  void atPipelineEnd(Runnable cleanUp);
}
