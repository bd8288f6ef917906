package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.KeyGroup;
import java.util.Iterator;
import java.util.List;

/** The reduce side of a sort shuffle: each key of a partition and its values, as bytes. */
final class SortShuffledDataset<T> extends Dataset<KeyGroup> {
  private final SortShuffleDependency<T> dependency;

  SortShuffledDataset(EngineContext context, SortShuffleDependency<T> dependency) {
    super(context);
    this.dependency = dependency;
  }

  @Override
  public int numPartitions() {
    return dependency.output().numReducePartitions();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of(dependency);
  }

  @Override
  protected Iterator<KeyGroup> compute(int partition, TaskContext task) {
    return dependency.output().read(partition, task);
  }
}
