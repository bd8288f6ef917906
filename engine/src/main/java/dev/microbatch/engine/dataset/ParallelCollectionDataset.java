package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;
import java.util.List;

/** A dataset whose partitions are lists held in memory (Spark's parallelize). */
final class ParallelCollectionDataset<T> extends Dataset<T> {
  private final List<List<T>> slices;

  ParallelCollectionDataset(EngineContext context, List<List<T>> slices) {
    super(context);
    this.slices = List.copyOf(slices);
  }

  @Override
  public int numPartitions() {
    return slices.size();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  protected Iterator<T> compute(int partition, TaskContext task) {
    return slices.get(partition).iterator();
  }
}
