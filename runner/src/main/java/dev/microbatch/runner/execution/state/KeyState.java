package dev.microbatch.runner.execution.state;

import dev.microbatch.runner.execution.sideinput.KeyedSideInputs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * The state and timers of one key, kept in memory from batch to batch in streaming mode. It knows
 * its earliest watermark hold, which holds back the output watermark of its transform.
 */
@Internal
public final class KeyState<K> {
  private final K key;
  private final CellStateInternals<K> state;
  private final OutputHoldingTimerInternals timers;
  private final List<WindowedValue<?>> waiting = new ArrayList<>();
  private Instant firedHold = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /** A key first seen at {@code inputWatermark} (its new values arrive at it) and a time. */
  public KeyState(K key, Instant inputWatermark, Instant processingTime) {
    this.key = key;
    this.state = new CellStateInternals<>(key);
    this.timers = KeyTimers.startingAt(inputWatermark, processingTime);
  }

  public K key() {
    return key;
  }

  public InMemoryStateInternals<K> state() {
    return state;
  }

  public InMemoryTimerInternals timers() {
    return timers;
  }

  /** The timers set and not yet fired or deleted. */
  Collection<TimerData> pendingTimers() {
    return timers.pendingTimers();
  }

  /** The state cells that hold something, by namespace and tag. */
  Map<StateNamespace, Map<StateTag, State>> stateInUse() {
    Map<StateNamespace, Map<StateTag, State>> inUse = new LinkedHashMap<>();
    state.cells.forEachNotCleared(
        (namespace, tag, s) ->
            inUse.computeIfAbsent(namespace, n -> new LinkedHashMap<>()).put(tag, s));
    return inUse;
  }

  /**
   * The values that wait for their side inputs (see {@link KeyedSideInputs}) or, for a splittable
   * DoFn, for a batch with record budget left; they hold the watermark at their timestamps until
   * they run.
   */
  public List<WindowedValue<?>> waiting() {
    return waiting;
  }

  /**
   * The earliest watermark hold in this key's state or of its waiting values, or the end of time if
   * it holds nothing.
   */
  public Instant earliestHold() {
    Instant hold = state.cells.earliestHold();
    Instant waits = earliestWaiting();
    return waits.isBefore(hold) ? waits : hold;
  }

  /** The earliest timestamp of the waiting values, or the end of time if none waits. */
  public Instant earliestWaiting() {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WindowedValue<?> value : waiting) {
      if (value.getTimestamp().isBefore(earliest)) {
        earliest = value.getTimestamp();
      }
    }
    return earliest;
  }

  /**
   * A timer fired in this batch holds the output watermark at {@code outputTimestamp} until the
   * batch is over: downstream sees its outputs in this batch, and the watermark past them only in
   * the next, as it would while the firing was still in progress on a runner that streams record by
   * record.
   */
  void holdThroughBatch(Instant outputTimestamp) {
    if (outputTimestamp.isBefore(firedHold)) {
      firedHold = outputTimestamp;
    }
  }

  /** Whether timers fired in this batch hold the output watermark until the next. */
  boolean holdsFiredTimers() {
    return firedHold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  /** A new batch: the timers fired in the batch before hold no more. */
  void releaseFiredTimers() {
    firedHold = BoundedWindow.TIMESTAMP_MAX_VALUE;
  }

  /**
   * The earliest of this key's state holds, its pending timers' output timestamps and those of the
   * timers fired in this batch: what holds back a stateful DoFn's output watermark. (A GroupByKey's
   * own timers hold nothing: their output timestamps are the firing times, in processing time too.)
   */
  public Instant earliestHoldOrTimerOutput() {
    Instant timerOutput = timers.earliestOutputTimestamp();
    if (firedHold.isBefore(timerOutput)) {
      timerOutput = firedHold;
    }
    Instant hold = earliestHold();
    return timerOutput.isBefore(hold) ? timerOutput : hold;
  }

  /**
   * Forgets the cells of the windows whose every cell is cleared (a cleared cell reads as a new one
   * would; kept, they would pile up over every window the key ever saw and each batch would walk
   * them all); called between batches, when no runner holds them.
   */
  void forgetClearedState() {
    state.cells.forgetCleared();
  }

  /** How many namespaces (windows) hold cells, cleared or not. */
  int namespacesHeld() {
    return state.cells.namespaces();
  }

  /** True once the key holds no state and waits for no timer or value: it can be forgotten. */
  boolean isEmpty() {
    return !timers.hasPendingTimers()
        && state.cells.allCleared()
        && waiting.isEmpty()
        && !holdsFiredTimers();
  }

  /**
   * Beam's in-memory state, its cells kept in {@link StateCells} rather than Beam's {@code
   * StateTable} (which stays empty): the same cells, bound by Beam's binder, walkable after each
   * batch without copies.
   */
  private static final class CellStateInternals<K> extends InMemoryStateInternals<K> {
    final StateCells cells = new StateCells();

    CellStateInternals(K key) {
      super(key);
    }

    @Override
    public <T extends State> T state(
        StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
      return cells.get(namespace, address, c);
    }

    @Override
    public void clear() {
      cells.clear();
    }
  }
}
