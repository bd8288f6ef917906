package dev.microbatch.runner.execution.state;

import dev.microbatch.engine.dataset.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The keys of one partition of a {@link KeyedStreamStep}, kept in place from batch to batch, and
 * what a batch needs to know without looking at every key: the earliest event-time and
 * processing-time timer of any key (until a clock passes one, no key has a timer due), the keys
 * that must run in the next batch whatever comes (a timer fired, whose output holds the watermark
 * until then; values waiting for side inputs or record budget), and the partition's watermark hold,
 * exact, as a count of the keys' holds.
 *
 * <p>A batch runs the keys with new values and those that must run; every key only when a timer is
 * due in the partition, or once the input watermark is at the end of time (when processing-time
 * timers stop holding anything back).
 */
final class PartitionKeys<K> {
  private final Function<KeyState<K>, Instant> holdOf;
  private final Map<Object, Key<K>> keys = new HashMap<>();
  private final TreeMap<Instant, Integer> holds = new TreeMap<>();
  private final Set<Object> mustRun = new HashSet<>();
  private Instant earliestEventTimer = BoundedWindow.TIMESTAMP_MAX_VALUE;
  private Instant earliestProcessingTimer = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /** A key's state and the hold it is counted with in {@link #holds} (none until it has run). */
  private static final class Key<K> {
    final KeyState<K> state;
    Instant countedHold;

    Key(KeyState<K> state) {
      this.state = state;
    }
  }

  /**
   * @param holdOf what holds back the output watermark in a key's state
   */
  PartitionKeys(Function<KeyState<K>, Instant> holdOf) {
    this.holdOf = holdOf;
  }

  /**
   * Puts back a key (structural) as a checkpoint kept it; it runs in the batch that restores it.
   */
  void restore(Object key, KeyState<K> state) {
    keys.put(key, new Key<>(state));
    mustRun.add(key);
  }

  /**
   * The keys (structural) a batch at {@code watermark} and {@code now} runs, in order, each with
   * its new values: those with new values, then those that must run, then, if a timer is due or the
   * watermark is at the end of time, every other key.
   */
  <V> Map<Object, List<V>> toRun(
      Iterator<Pair<Object, List<V>>> newValues, Instant watermark, Instant now) {
    Map<Object, List<V>> run = new LinkedHashMap<>();
    newValues.forEachRemaining(key -> run.put(key.key(), key.value()));
    mustRun.forEach(key -> run.putIfAbsent(key, List.of()));
    mustRun.clear();
    if (watermark.isAfter(earliestEventTimer)
        || now.isAfter(earliestProcessingTimer)
        || !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      keys.keySet().forEach(key -> run.putIfAbsent(key, List.of()));
      // every key runs, so the earliest timers are counted again from scratch
      earliestEventTimer = BoundedWindow.TIMESTAMP_MAX_VALUE;
      earliestProcessingTimer = BoundedWindow.TIMESTAMP_MAX_VALUE;
    }
    return run;
  }

  /** The state of {@code key}, or null for a key that has none yet. */
  KeyState<K> stateOf(Object key) {
    Key<K> known = keys.get(key);
    return known == null ? null : known.state;
  }

  /**
   * Counts in {@code state} of {@code key} after it ran in a batch: its hold and timers, whether it
   * must run in the next batch; a key left with nothing in it is forgotten.
   */
  void ran(Object key, KeyState<K> state) {
    Key<K> known = keys.get(key);
    if (known != null && known.countedHold != null) {
      uncount(known.countedHold);
    }
    if (state.isEmpty()) {
      keys.remove(key);
      return;
    }
    if (known == null) {
      known = new Key<>(state);
      keys.put(key, known);
    }
    known.countedHold = holdOf.apply(state);
    count(known.countedHold);
    includeTimers(state.timers());
    if (state.holdsFiredTimers() || !state.waiting().isEmpty()) {
      mustRun.add(key);
    }
  }

  /** The earliest watermark hold of any key, or the end of time if none holds anything. */
  Instant earliestHold() {
    return holds.isEmpty() ? BoundedWindow.TIMESTAMP_MAX_VALUE : holds.firstKey();
  }

  /** Every key's state, for a checkpoint. */
  List<KeyState<K>> states() {
    List<KeyState<K>> states = new ArrayList<>(keys.size());
    keys.values().forEach(key -> states.add(key.state));
    return states;
  }

  private void includeTimers(InMemoryTimerInternals timers) {
    earliestEventTimer = earlier(earliestEventTimer, timers.getNextTimer(TimeDomain.EVENT_TIME));
    earliestProcessingTimer =
        earlier(earliestProcessingTimer, timers.getNextTimer(TimeDomain.PROCESSING_TIME));
    earliestProcessingTimer =
        earlier(
            earliestProcessingTimer, timers.getNextTimer(TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
  }

  private static Instant earlier(Instant earliest, Instant timer) {
    return timer != null && timer.isBefore(earliest) ? timer : earliest;
  }

  private void count(Instant hold) {
    if (hold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      holds.merge(hold, 1, Integer::sum);
    }
  }

  private void uncount(Instant hold) {
    if (hold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      holds.computeIfPresent(hold, (h, n) -> n == 1 ? null : n - 1);
    }
  }
}
