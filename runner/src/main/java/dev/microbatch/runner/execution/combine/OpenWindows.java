package dev.microbatch.runner.execution.combine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/**
 * One key's accumulators in the windows that have not fired yet, in a Combine whose windows fire
 * once ({@link SinglePaneCombineStep}). A key has few at a time (one or two of fixed windows), so
 * they sit in a list.
 */
final class OpenWindows<K, AccumT> {
  private final List<WindowAccumulation<K, AccumT>> windows = new ArrayList<>(2);

  /**
   * Merges {@code partial} into the accumulator of its window, or opens the window with it; returns
   * the window's accumulation.
   */
  WindowAccumulation<K, AccumT> add(
      WindowAccumulation<K, AccumT> partial,
      CombineFn<?, AccumT, ?> fn,
      TimestampCombiner timestamps) {
    for (WindowAccumulation<K, AccumT> open : windows) {
      if (open.window.equals(partial.window)) {
        return open.merge(fn, timestamps, partial);
      }
    }
    windows.add(partial);
    return partial;
  }

  /**
   * Removes the windows the watermark has passed (their end before it, when ReduceFnRunner's
   * end-of-window timer fires), earliest end first.
   */
  List<WindowAccumulation<K, AccumT>> closeBefore(Instant watermark) {
    List<WindowAccumulation<K, AccumT>> closed = List.of(); // most keys close nothing in a batch
    for (Iterator<WindowAccumulation<K, AccumT>> it = windows.iterator(); it.hasNext(); ) {
      WindowAccumulation<K, AccumT> open = it.next();
      if (open.window.maxTimestamp().isBefore(watermark)) {
        if (closed.isEmpty()) {
          closed = new ArrayList<>(1);
        }
        closed.add(open);
        it.remove();
      }
    }
    if (closed.size() > 1) {
      closed.sort(Comparator.comparing(a -> a.window.maxTimestamp()));
    }
    return closed;
  }

  boolean isEmpty() {
    return windows.isEmpty();
  }

  List<WindowAccumulation<K, AccumT>> windows() {
    return windows;
  }
}
