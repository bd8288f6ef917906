package dev.microbatch.runner.execution.combine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/**
 * The open windows of the keys of one partition of a {@link SinglePaneCombineStep}, and the two
 * instants a batch needs without looking at every key: the earliest end of an open window (until
 * the watermark passes it, no key has a window to close) and the earliest output timestamp (the
 * partition's watermark hold). A batch looks at the keys with new values; at every key only when a
 * window is to close, which with fixed windows is once a window.
 */
final class PartitionWindows<K, AccumT> {
  private final CombineFn<?, AccumT, ?> fn;
  private final TimestampCombiner timestamps;
  private final Map<Object, OpenWindows<K, AccumT>> keys = new HashMap<>();
  private Instant earliestEnd = BoundedWindow.TIMESTAMP_MAX_VALUE;
  private Instant earliestHold = BoundedWindow.TIMESTAMP_MAX_VALUE;

  PartitionWindows(CombineFn<?, AccumT, ?> fn, TimestampCombiner timestamps) {
    this.fn = fn;
    this.timestamps = timestamps;
  }

  /** Merges {@code partial} into the window it is in of the key {@code key} (structural). */
  void add(Object key, WindowAccumulation<K, AccumT> partial) {
    // EARLIEST and END_OF_WINDOW only move a window's output timestamp earlier; LATEST may move
    // it later, so under LATEST closeBefore looks at every key every batch
    include(keys.computeIfAbsent(key, k -> new OpenWindows<>()).add(partial, fn, timestamps));
  }

  /** Counts {@code window}'s end and output timestamp into the partition's earliest ones. */
  private void include(WindowAccumulation<K, AccumT> window) {
    Instant end = window.window.maxTimestamp();
    if (end.isBefore(earliestEnd)) {
      earliestEnd = end;
    }
    Instant hold = window.outputTimestamp();
    if (hold.isBefore(earliestHold)) {
      earliestHold = hold;
    }
  }

  /**
   * Removes the windows the watermark has passed, key by key with each key's earliest end first,
   * and returns them.
   */
  List<WindowAccumulation<K, AccumT>> closeBefore(Instant watermark) {
    if (!earliestEnd.isBefore(watermark) && timestamps != TimestampCombiner.LATEST) {
      return List.of();
    }
    List<WindowAccumulation<K, AccumT>> closed = new ArrayList<>();
    earliestEnd = BoundedWindow.TIMESTAMP_MAX_VALUE;
    earliestHold = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Iterator<OpenWindows<K, AccumT>> it = keys.values().iterator(); it.hasNext(); ) {
      OpenWindows<K, AccumT> open = it.next();
      closed.addAll(open.closeBefore(watermark));
      if (open.isEmpty()) {
        it.remove();
        continue;
      }
      open.windows().forEach(this::include);
    }
    return closed;
  }

  /** The earliest output timestamp of an open window: what holds the watermark back. */
  Instant earliestHold() {
    return earliestHold;
  }

  /** Every open window of every key. */
  List<WindowAccumulation<K, AccumT>> windows() {
    List<WindowAccumulation<K, AccumT>> all = new ArrayList<>();
    keys.values().forEach(open -> all.addAll(open.windows()));
    return all;
  }
}
