package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;

/**
 * How a dataset depends on what it reads. A narrow dependency is computed in the same task as its
 * child (fusion); a shuffle or a broadcast is a stage boundary the scheduler runs first.
 */
public sealed interface Dependency
    permits Dependency.Narrow, Dependency.Shuffle, Dependency.OnBroadcast {

  /** Each partition of the child reads some partitions of the parent, in the same task. */
  record Narrow(Dataset<?> parent) implements Dependency {}

  /**
   * The child reads every partition of the parent, regrouped by key: the parent's stage runs first,
   * each of its tasks writing its partition's map output.
   */
  sealed interface Shuffle extends Dependency permits ShuffleDependency, SortShuffleDependency {
    Dataset<?> parent();

    /** Whether every map partition's output is written (and need not be computed again). */
    boolean isComplete();

    /** Writes the map output of {@code partition}: its records, pulled from {@code records}. */
    void writeMapOutput(int partition, Iterator<?> records, TaskContext task);
  }

  /** The child reads a value collected from a whole dataset before the child's stage runs. */
  record OnBroadcast(Broadcast<?> broadcast) implements Dependency {}
}
