package dev.microbatch.runner.execution.combine;

import dev.microbatch.runner.execution.dofn.BundleIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * One partition's values of a lifted Combine folded into one accumulator per key and window, as a
 * step of its bundle: a value comes with the element whose timestamp and windows it has. The
 * accumulators sit in a table per window, by key alone: most of a batch's values fall in one or two
 * windows, and a lookup by key touches less memory than one by key and window.
 */
final class PartitionCombiner<K, InputT, AccumT>
    implements BundleIterator.Step<WindowedValue<KV<K, InputT>>> {
  private final CombineFn<InputT, AccumT, ?> fn;
  private final Coder<K> keyCoder;
  private final TimestampCombiner timestamps;
  private final Predicate<BoundedWindow> expired;
  private final Runnable dropped;
  private final Instant outputWatermark;

  private final Map<BoundedWindow, Map<Object, WindowAccumulation<K, AccumT>>> byWindow =
      new HashMap<>();

  /** The window of the last value, and its table; null for a window that is past. */
  private BoundedWindow lastWindow;

  private Map<Object, WindowAccumulation<K, AccumT>> byKey;

  /**
   * Leaves out each value in a window {@code expired} says is past, and tells {@code dropped} of
   * it; the values arrive at the step's output watermark {@code outputWatermark} (see {@link
   * WindowAccumulation}).
   */
  PartitionCombiner(
      CombineFn<InputT, AccumT, ?> fn,
      Coder<K> keyCoder,
      TimestampCombiner timestamps,
      Predicate<BoundedWindow> expired,
      Runnable dropped,
      Instant outputWatermark) {
    this.fn = fn;
    this.keyCoder = keyCoder;
    this.timestamps = timestamps;
    this.expired = expired;
    this.dropped = dropped;
    this.outputWatermark = outputWatermark;
  }

  @Override
  public void accept(WindowedValue<KV<K, InputT>> value) {
    acceptValue(value.getValue(), value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void acceptValue(Object value, WindowedValue<?> element) {
    KV<K, InputT> kv = (KV<K, InputT>) value;
    Object key = keyCoder.structuralValue(kv.getKey());
    for (BoundedWindow window : element.getWindows()) {
      // a batch's values come mostly in one or two windows: each is judged once in a row
      if (!window.equals(lastWindow)) {
        byKey =
            expired.test(window) ? null : byWindow.computeIfAbsent(window, w -> new HashMap<>());
        lastWindow = window;
      }
      if (byKey == null) {
        dropped.run();
        continue;
      }
      WindowAccumulation<K, AccumT> accumulation = byKey.get(key);
      if (accumulation == null) {
        byKey.put(
            key,
            WindowAccumulation.of(
                fn, timestamps, window, kv, element.getTimestamp(), outputWatermark));
      } else {
        accumulation.add(fn, timestamps, kv, element.getTimestamp(), outputWatermark);
      }
    }
  }

  /** Every accumulation folded so far. */
  List<WindowAccumulation<K, AccumT>> accumulations() {
    List<WindowAccumulation<K, AccumT>> accumulations = new ArrayList<>();
    byWindow.values().forEach(keys -> accumulations.addAll(keys.values()));
    return accumulations;
  }
}
