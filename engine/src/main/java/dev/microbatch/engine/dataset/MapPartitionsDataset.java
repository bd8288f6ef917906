package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A narrow operation: each partition is a function of the same partition of the parent. */
final class MapPartitionsDataset<T, U> extends Dataset<U> {
  private final Dataset<T> parent;
  private final PartitionFunction<T, U> fn;
  private final List<Dependency> dependencies;

  MapPartitionsDataset(Dataset<T> parent, PartitionFunction<T, U> fn, List<Broadcast<?>> reads) {
    super(parent.context());
    this.parent = parent;
    this.fn = fn;
    List<Dependency> deps = new ArrayList<>();
    deps.add(new Dependency.Narrow(parent));
    reads.forEach(b -> deps.add(new Dependency.OnBroadcast(b)));
    this.dependencies = List.copyOf(deps);
  }

  @Override
  public int numPartitions() {
    return parent.numPartitions();
  }

  @Override
  public List<Dependency> dependencies() {
    return dependencies;
  }

  @Override
  protected Iterator<U> compute(int partition, TaskContext task) {
    return fn.apply(parent.iterator(partition, task), task);
  }
}
