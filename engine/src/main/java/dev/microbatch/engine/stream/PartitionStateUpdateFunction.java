package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Updates every key of one partition of a keyed state stream in one call (Spark's updateStateByKey
 * with an iterator function), for updates that share work across the keys of a task, such as one
 * set-up instance of user code. Keys left out of the result lose their state.
 */
@FunctionalInterface
public interface PartitionStateUpdateFunction<K, V, S> {
  Iterator<Pair<K, S>> update(long batchTime, Iterator<KeyUpdate<K, V, S>> keys, TaskContext task);

  /**
   * The broadcasts the batch's updates read, asked on the batch thread as the batch is generated;
   * the scheduler computes them before the updates run.
   */
  default List<Broadcast<?>> broadcasts(long batchTime) {
    return List.of();
  }

  /** One key of the batch: its new values (maybe none) and its state (maybe none yet). */
  record KeyUpdate<K, V, S>(K key, List<V> values, Optional<S> state) {}

  /** The partition form of a per-key update. */
  static <K, V, S> PartitionStateUpdateFunction<K, V, S> perKey(
      KeyedStateUpdateFunction<K, V, S> update) {
    return (batchTime, keys, task) -> {
      List<Pair<K, S>> updated = new ArrayList<>();
      while (keys.hasNext()) {
        KeyUpdate<K, V, S> key = keys.next();
        update
            .update(batchTime, key.key(), key.values(), key.state())
            .ifPresent(s -> updated.add(new Pair<>(key.key(), s)));
      }
      return updated.iterator();
    };
  }
}
