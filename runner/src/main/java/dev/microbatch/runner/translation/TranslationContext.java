package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.construction.TransformInputs;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;

/**
 * What translators share: the dataset of every translated PCollection, the side-input broadcasts,
 * the leaves to run, and the transform being translated.
 */
public final class TranslationContext {
  private final EngineContext engine;
  private final MicroBatchPipelineOptions options;
  private final MetricsContainerStepMap metrics;
  private final Map<PValue, Integer> consumers;
  private final Map<PValue, Dataset<?>> datasets = new HashMap<>();
  private final Map<TupleTag<?>, Broadcast<SideInputValues>> sideInputs = new HashMap<>();
  private final List<Dataset<?>> leaves = new ArrayList<>();
  private AppliedPTransform<?, ?, ?> current;

  TranslationContext(
      EngineContext engine,
      MicroBatchPipelineOptions options,
      MetricsContainerStepMap metrics,
      Map<PValue, Integer> consumers) {
    this.engine = engine;
    this.options = options;
    this.metrics = metrics;
    this.consumers = consumers;
  }

  public EngineContext engine() {
    return engine;
  }

  public MicroBatchPipelineOptions options() {
    return options;
  }

  public MetricsContainerStepMap metrics() {
    return metrics;
  }

  /** Partitions of every shuffle, and bundles a bounded source is split into. */
  public int parallelism() {
    return options.getParallelism();
  }

  void setCurrentTransform(AppliedPTransform<?, ?, ?> transform) {
    this.current = transform;
  }

  public AppliedPTransform<?, ?, ?> currentTransform() {
    return current;
  }

  /** The full name of the transform being translated: the step name of its metrics. */
  public String stepName() {
    return current.getFullName();
  }

  @SuppressWarnings("unchecked")
  public <T> PCollection<T> input() {
    return (PCollection<T>) Iterables.getOnlyElement(TransformInputs.nonAdditionalInputs(current));
  }

  public Map<TupleTag<?>, PCollection<?>> outputs() {
    return current.getOutputs();
  }

  @SuppressWarnings("unchecked")
  public <T> PCollection<T> output() {
    return (PCollection<T>) Iterables.getOnlyElement(current.getOutputs().values());
  }

  @SuppressWarnings("unchecked")
  public <T> Dataset<WindowedValue<T>> dataset(PValue value) {
    Dataset<?> dataset = datasets.get(value);
    if (dataset == null) {
      throw new IllegalStateException("No dataset for " + value + " (read by " + stepName() + ")");
    }
    return (Dataset<WindowedValue<T>>) dataset;
  }

  /** The dataset of the only output of the current transform. */
  public void setOutput(Dataset<? extends WindowedValue<?>> dataset) {
    PCollection<?> output = output();
    datasets.put(output, produced(dataset, consumersOf(output)));
  }

  /**
   * The outputs of a transform with several: {@code unit} is computed once (cached if more than
   * one output is read), and each output is derived from it.
   */
  public <U> void setOutputs(
      Dataset<U> unit,
      java.util.function.BiFunction<Dataset<U>, TupleTag<?>, Dataset<? extends WindowedValue<?>>>
          split) {
    int total = outputs().values().stream().mapToInt(this::consumersOf).sum();
    Dataset<U> computed = produced(unit, total);
    outputs().forEach((tag, pc) -> datasets.put(pc, split.apply(computed, tag)));
  }

  /** Makes {@code output} read exactly what {@code input} holds, with no work of its own. */
  public void alias(PValue output, PValue input) {
    datasets.put(output, dataset(input));
  }

  private int consumersOf(PValue value) {
    return consumers.getOrDefault(value, 0);
  }

  private <D extends Dataset<?>> D produced(D dataset, int consumerCount) {
    if (consumerCount == 0) {
      leaves.add(dataset);
    } else if (consumerCount > 1) {
      dataset.cache();
    }
    return dataset;
  }

  /** The broadcast that holds the contents of a side input, computed once for all readers. */
  public Broadcast<SideInputValues> sideInput(PCollectionView<?> view) {
    return sideInputs.computeIfAbsent(
        view.getTagInternal(),
        tag ->
            this.<Object>dataset(view.getPCollection())
                .broadcast(records -> SideInputValues.of(view, records)));
  }

  List<Dataset<?>> leaves() {
    return leaves;
  }
}
