package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import java.util.function.BiConsumer;

/** An output operation: runs an action on the parent's dataset of every batch. */
final class ForEachDStream<T> extends DStream<Void> {
  private final DStream<T> parent;
  private final BiConsumer<Dataset<T>, Long> action;

  ForEachDStream(DStream<T> parent, BiConsumer<Dataset<T>, Long> action) {
    super(parent.context());
    this.parent = parent;
    this.action = action;
  }

  @Override
  public List<DStream<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<Void> compute(long batchTime) {
    return null;
  }

  /** Generates the parent's dataset of {@code batchTime}; the job runs the action on it, if any. */
  Runnable generateJob(long batchTime) {
    Dataset<T> dataset = parent.getOrCompute(batchTime);
    return dataset == null ? null : () -> action.accept(dataset, batchTime);
  }
}
