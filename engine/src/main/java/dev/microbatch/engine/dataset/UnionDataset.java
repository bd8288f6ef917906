package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;
import java.util.List;

/** The partitions of several datasets side by side: partition i of the union is one of theirs. */
final class UnionDataset<T> extends Dataset<T> {
  private final List<Dataset<T>> parents;
  private final int[] firstPartition;

  UnionDataset(EngineContext context, List<Dataset<T>> parents) {
    super(context);
    this.parents = List.copyOf(parents);
    this.firstPartition = new int[parents.size() + 1];
    for (int i = 0; i < parents.size(); i++) {
      firstPartition[i + 1] = firstPartition[i] + parents.get(i).numPartitions();
    }
  }

  @Override
  public int numPartitions() {
    return firstPartition[parents.size()];
  }

  @Override
  public List<Dependency> dependencies() {
    return parents.stream().<Dependency>map(Dependency.Narrow::new).toList();
  }

  @Override
  protected Iterator<T> compute(int partition, TaskContext task) {
    for (int i = 0; i < parents.size(); i++) {
      if (partition < firstPartition[i + 1]) {
        return parents.get(i).iterator(partition - firstPartition[i], task);
      }
    }
    throw new IndexOutOfBoundsException("partition " + partition + " of " + this);
  }
}
