package dev.microbatch.runner.translation;

import dev.microbatch.engine.scheduler.CleanUps;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.StepEnvironment;
import dev.microbatch.runner.execution.metrics.CachingMetricsContainer;
import dev.microbatch.runner.execution.metrics.PerTaskMetrics;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.construction.TransformInputs;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;

/**
 * What batch and streaming translation share: the options, the metrics of every step, how many
 * transforms read each PCollection, and the transform being translated with its inputs and outputs;
 * and what to clean up once the pipeline has ended.
 */
@Internal
public abstract class AppliedTransformContext implements StepEnvironment {
  private final MicroBatchPipelineOptions options;
  private final PipelineMetrics metrics;
  private final Map<PValue, Integer> consumers;
  private final List<Runnable> atPipelineEnd = new ArrayList<>();
  private AppliedPTransform<?, ?, ?> current;

  public AppliedTransformContext(
      MicroBatchPipelineOptions options, PipelineMetrics metrics, Map<PValue, Integer> consumers) {
    this.options = options;
    this.metrics = metrics;
    this.consumers = consumers;
  }

  @Override
  public MicroBatchPipelineOptions options() {
    return options;
  }

  @Override
  public PipelineMetrics metrics() {
    return metrics;
  }

  /** The metrics container of the transform being translated, for its user code to find current. */
  @Override
  public MetricsContainer stepMetrics() {
    return new CachingMetricsContainer(metrics.step(stepName()));
  }

  @Override
  public PerTaskMetrics taskMetrics() {
    return new PerTaskMetrics(metrics, stepName());
  }

  /** Partitions of every shuffle, and bundles a source is split into. */
  @Override
  public int parallelism() {
    return options.getParallelism();
  }

  public void setCurrentTransform(AppliedPTransform<?, ?, ?> transform) {
    this.current = transform;
  }

  public AppliedPTransform<?, ?, ?> currentTransform() {
    return current;
  }

  /** The full name of the transform being translated: the step name of its metrics. */
  @Override
  public String stepName() {
    return current.getFullName();
  }

  @SuppressWarnings("unchecked")
  @Override
  public <T> PCollection<T> input() {
    return (PCollection<T>) Iterables.getOnlyElement(TransformInputs.nonAdditionalInputs(current));
  }

  @Override
  public Map<TupleTag<?>, PCollection<?>> outputs() {
    return current.getOutputs();
  }

  @SuppressWarnings("unchecked")
  public <T> PCollection<T> output() {
    return (PCollection<T>) Iterables.getOnlyElement(current.getOutputs().values());
  }

  /** Registers clean-up to run once the pipeline has ended, however it ended. */
  @Override
  public void atPipelineEnd(Runnable cleanUp) {
    atPipelineEnd.add(cleanUp);
  }

  /** Runs every clean-up registered; the first failure among them is thrown after all ran. */
  public void endPipeline() {
    CleanUps.runAll(atPipelineEnd);
  }

  /** How many transforms read {@code value} as a main input. */
  public int consumersOf(PValue value) {
    return consumers.getOrDefault(value, 0);
  }
}
