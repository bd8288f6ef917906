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
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The keys of one partition of a {@link KeyedStreamStep}, kept in place from batch to batch, and
 * what a batch needs to know without looking at every key: which keys have a timer due (each key
 * indexed by its earliest event-time and processing-time timer), the keys that must run in the next
 * batch whatever comes (a timer fired, whose output holds the watermark until then; values waiting
 * for side inputs or record budget), and the partition's watermark hold, exact, as a count of the
 * keys' holds.
 *
 * <p>A batch runs the keys with new values, those that must run and those with a timer due (the
 * watermark or the clock passed it); every key only once the input watermark is at the end of time
 * (when processing-time timers stop holding anything back).
 */
final class PartitionKeys<K> {
  private final Function<KeyState<K>, Instant> holdOf;
  private final Map<Object, Key<K>> keys = new HashMap<>();
  private final TreeMap<Instant, Integer> holds = new TreeMap<>();
  private final Set<Object> mustRun = new HashSet<>();
  private final TimerIndex eventTimers = new TimerIndex();
  private final TimerIndex processingTimers = new TimerIndex();

  /**
   * A key's state, the hold it is counted with in {@link #holds} and the earliest timers it is
   * indexed by (none until it has run).
   */
  private static final class Key<K> {
    final KeyState<K> state;
    Instant countedHold;
    Instant indexedEventTimer;
    Instant indexedProcessingTimer;

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
   * its new values: those with new values, then those that must run, then those with a timer due
   * (every other key once the watermark is at the end of time).
   */
  <V> Map<Object, List<V>> toRun(
      Iterator<Pair<Object, List<V>>> newValues, Instant watermark, Instant now) {
    Map<Object, List<V>> run = new LinkedHashMap<>();
    newValues.forEachRemaining(key -> run.put(key.key(), key.value()));
    mustRun.forEach(key -> run.putIfAbsent(key, List.of()));
    mustRun.clear();
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      keys.keySet().forEach(key -> run.putIfAbsent(key, List.of()));
    } else {
      eventTimers.dueBefore(watermark, key -> run.putIfAbsent(key, List.of()));
      processingTimers.dueBefore(now, key -> run.putIfAbsent(key, List.of()));
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
    if (known != null) {
      uncount(known.countedHold);
      eventTimers.remove(known.indexedEventTimer, key);
      processingTimers.remove(known.indexedProcessingTimer, key);
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
    InMemoryTimerInternals timers = state.timers();
    known.indexedEventTimer = timers.getNextTimer(TimeDomain.EVENT_TIME);
    known.indexedProcessingTimer =
        earlier(
            timers.getNextTimer(TimeDomain.PROCESSING_TIME),
            timers.getNextTimer(TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
    eventTimers.add(known.indexedEventTimer, key);
    processingTimers.add(known.indexedProcessingTimer, key);
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

  /** The earlier of two timers, either of which may be null (none). */
  private static Instant earlier(Instant a, Instant b) {
    return a == null || (b != null && b.isBefore(a)) ? b : a;
  }

  private void count(Instant hold) {
    if (hold != null && hold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      holds.merge(hold, 1, Integer::sum);
    }
  }

  private void uncount(Instant hold) {
    if (hold != null && hold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      holds.computeIfPresent(hold, (h, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Keys by the time of their earliest timer in one time domain. */
  private static final class TimerIndex {
    private final TreeMap<Instant, Set<Object>> keysByTimer = new TreeMap<>();

    void add(Instant timer, Object key) {
      if (timer != null) {
        keysByTimer.computeIfAbsent(timer, t -> new HashSet<>()).add(key);
      }
    }

    void remove(Instant timer, Object key) {
      if (timer != null) {
        keysByTimer.computeIfPresent(
            timer, (t, keys) -> keys.remove(key) && keys.isEmpty() ? null : keys);
      }
    }

    /** Hands {@code due} every key whose earliest timer is before {@code clock}. */
    void dueBefore(Instant clock, Consumer<Object> due) {
      keysByTimer.headMap(clock, false).values().forEach(keys -> keys.forEach(due));
    }
  }
}
