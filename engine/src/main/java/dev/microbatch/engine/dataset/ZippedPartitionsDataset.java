package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Two datasets of as many partitions read side by side (Spark's zipPartitions): partition i is a
 * function of partition i of each, computed in the same task.
 */
final class ZippedPartitionsDataset<A, B, U> extends Dataset<U> {
  private final Dataset<A> left;
  private final Dataset<B> right;
  private final ZipFunction<A, B, U> fn;
  private final List<Dependency> dependencies;

  ZippedPartitionsDataset(
      Dataset<A> left, Dataset<B> right, ZipFunction<A, B, U> fn, List<Broadcast<?>> reads) {
    super(left.context());
    if (left.numPartitions() != right.numPartitions()) {
      throw new IllegalArgumentException(
          "Can only zip datasets of as many partitions, not "
              + left.numPartitions()
              + " and "
              + right.numPartitions());
    }
    this.left = left;
    this.right = right;
    this.fn = fn;
    List<Dependency> deps = new ArrayList<>();
    deps.add(new Dependency.Narrow(left));
    deps.add(new Dependency.Narrow(right));
    reads.forEach(b -> deps.add(new Dependency.OnBroadcast(b)));
    this.dependencies = List.copyOf(deps);
  }

  @Override
  public int numPartitions() {
    return left.numPartitions();
  }

  @Override
  public List<Dependency> dependencies() {
    return dependencies;
  }

  @Override
  protected Iterator<U> compute(int partition, TaskContext task) {
    return fn.apply(left.iterator(partition, task), right.iterator(partition, task), task);
  }
}
