package dev.microbatch.engine.dataset;

/**
 * How a dataset depends on what it reads. A narrow dependency is computed in the same task as its
 * child (fusion); a shuffle or a broadcast is a stage boundary the scheduler runs first.
 */
public sealed interface Dependency
    permits Dependency.Narrow, ShuffleDependency, Dependency.OnBroadcast {

  /** Each partition of the child reads some partitions of the parent, in the same task. */
  record Narrow(Dataset<?> parent) implements Dependency {}

  /** The child reads a value collected from a whole dataset before the child's stage runs. */
  record OnBroadcast(Broadcast<?> broadcast) implements Dependency {}
}
