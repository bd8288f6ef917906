package dev.microbatch.engine.stream;

import java.util.List;
import java.util.Optional;

/** Computes a key's new state from the values of one batch and the state before it. */
@FunctionalInterface
public interface StateUpdateFunction<V, S> {
  Optional<S> update(List<V> newValues, Optional<S> state);
}
