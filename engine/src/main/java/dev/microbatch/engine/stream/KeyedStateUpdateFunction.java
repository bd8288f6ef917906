package dev.microbatch.engine.stream;

import java.util.List;
import java.util.Optional;

/**
 * Like {@link StateUpdateFunction}, for updates that need to know which batch and which key they
 * update (Spark's updateStateByKey with time and key).
 */
@FunctionalInterface
public interface KeyedStateUpdateFunction<K, V, S> {
  Optional<S> update(long batchTime, K key, List<V> newValues, Optional<S> state);
}
