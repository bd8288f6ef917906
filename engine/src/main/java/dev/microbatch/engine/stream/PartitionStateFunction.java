package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;
import java.util.List;

/**
 * What a {@link PartitionStateDStream} does with one partition in a batch: it updates the
 * partition's state, in place, with the keys that have new values, and says what the partition
 * outputs.
 *
 * @param <K> the key
 * @param <V> a new value
 * @param <P> the state of one partition's keys, which the function owns
 * @param <O> an output record
 */
public interface PartitionStateFunction<K, V, P, O> {
  /** The state of a partition before its first batch. */
  P newState();

  /**
   * Updates {@code state} with the batch's new values, each key's in one list, and returns the
   * partition's output of the batch. Keys without new values are not in {@code values}: the state
   * finds those it must look at itself.
   */
  List<O> update(long batchTime, P state, Iterator<Pair<K, List<V>>> values, TaskContext task);

  /**
   * The broadcasts the batch's updates read, asked on the batch thread as the batch is generated;
   * they are built before its tasks run.
   */
  default List<Broadcast<?>> broadcasts(long batchTime) {
    return List.of();
  }
}
