package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.execution.sideinput.SideInputValues;
import dev.microbatch.runner.translation.AppliedTransformContext;
import dev.microbatch.runner.translation.RowConformance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Batch translation's state: the dataset of every translated PCollection, the side-input
 * broadcasts, and the leaves to run.
 */
@Internal
public final class BatchTranslationContext extends AppliedTransformContext {
  private final EngineContext engine;
  private final Map<PValue, Dataset<?>> datasets = new HashMap<>();
  private final Map<TupleTag<?>, Broadcast<SideInputValues>> sideInputs = new HashMap<>();
  private final List<Dataset<?>> leaves = new ArrayList<>();

  BatchTranslationContext(
      EngineContext engine,
      MicroBatchPipelineOptions options,
      PipelineMetrics metrics,
      Map<PValue, Integer> consumers) {
    super(options, metrics, consumers);
    this.engine = engine;
  }

  public EngineContext engine() {
    return engine;
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
    datasets.put(
        output,
        produced(
            RowConformance.forDatasetsOf(output).apply(dataset).named(stepName()),
            consumersOf(output)));
  }

  /**
   * The outputs of a transform with several: {@code unit} is computed once (cached if more than one
   * output is read), and each output is derived from it.
   */
  public <U> void setOutputs(
      Dataset<U> unit,
      java.util.function.BiFunction<Dataset<U>, TupleTag<?>, Dataset<? extends WindowedValue<?>>>
          split) {
    int total = outputs().values().stream().mapToInt(this::consumersOf).sum();
    Dataset<U> computed = produced(unit.named(stepName()), total);
    outputs()
        .forEach(
            (tag, pc) ->
                datasets.put(
                    pc, RowConformance.forDatasetsOf(pc).apply(split.apply(computed, tag))));
  }

  /** Makes {@code output} read exactly what {@code input} holds, with no work of its own. */
  public void alias(PValue output, PValue input) {
    datasets.put(output, dataset(input));
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
