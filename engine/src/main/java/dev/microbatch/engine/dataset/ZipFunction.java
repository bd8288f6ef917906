package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;

/**
 * Turns partition i of two datasets into partition i of their zip ({@link Dataset#zipPartitions}).
 */
@FunctionalInterface
public interface ZipFunction<A, B, U> {
  Iterator<U> apply(Iterator<A> left, Iterator<B> right, TaskContext task);
}
