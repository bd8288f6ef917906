package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;

/**
 * Turns one partition's input iterator into its output iterator. Implementations must be lazy (pull
 * from {@code input} as they are pulled from) so that a chain of them is one pass.
 */
@FunctionalInterface
public interface PartitionFunction<T, U> {
  Iterator<U> apply(Iterator<T> input, TaskContext context);
}
