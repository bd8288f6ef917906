package dev.microbatch.runner.execution.combine;

import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * One key's accumulator in one window of a lifted Combine, and the output timestamp of what it
 * holds: its values' timestamps, each assigned to the window and combined by the windowing's
 * TimestampCombiner, as ReduceFnRunner's watermark hold combines them. As there, a value whose
 * assigned timestamp is behind the step's output watermark when it arrives adds nothing to the
 * timestamp (its pane must not come out behind the watermark); with no timestamp at all, the output
 * timestamp is the window's end.
 */
@Internal
public final class WindowAccumulation<K, AccumT> {
  public final K key;
  public final BoundedWindow window;
  AccumT accumulator;

  /** The combined timestamp, or null while no value came ahead of the output watermark. */
  @Nullable Instant timestamp;

  WindowAccumulation(K key, BoundedWindow window, AccumT accumulator, @Nullable Instant timestamp) {
    this.key = key;
    this.window = window;
    this.accumulator = accumulator;
    this.timestamp = timestamp;
  }

  /**
   * A new accumulation of {@code value}, which is at {@code valueTimestamp} in the one window
   * {@code window} and arrives at the step's output watermark {@code outputWatermark}.
   */
  public static <K, InputT, AccumT> WindowAccumulation<K, AccumT> of(
      CombineFn<InputT, AccumT, ?> fn,
      TimestampCombiner timestamps,
      BoundedWindow window,
      KV<K, InputT> value,
      Instant valueTimestamp,
      Instant outputWatermark) {
    Instant assigned = timestamps.assign(window, valueTimestamp);
    return new WindowAccumulation<>(
        value.getKey(),
        window,
        fn.addInput(fn.createAccumulator(), value.getValue()),
        aheadOf(assigned, outputWatermark));
  }

  /** Folds in {@code value}, at {@code valueTimestamp} in this window. */
  public <InputT> WindowAccumulation<K, AccumT> add(
      CombineFn<InputT, AccumT, ?> fn,
      TimestampCombiner timestamps,
      KV<K, InputT> value,
      Instant valueTimestamp,
      Instant outputWatermark) {
    AccumT added = fn.addInput(accumulator, value.getValue());
    // EARLIEST and LATEST assign a value its own timestamp; END_OF_WINDOW's was fixed at the start
    Instant combined =
        timestamps == TimestampCombiner.END_OF_WINDOW
            ? timestamp
            : combine(timestamps, timestamp, aheadOf(valueTimestamp, outputWatermark));
    // Only a changed field is written: most CombineFns fold in place, and rewriting an old
    // accumulation's fields with the same objects would still dirty its card for G1 to refine,
    // which cost a quarter of the word count's CPU.
    if (added != accumulator) {
      accumulator = added;
    }
    if (combined != timestamp) {
      timestamp = combined;
    }
    return this;
  }

  public WindowAccumulation<K, AccumT> merge(
      CombineFn<?, AccumT, ?> fn,
      TimestampCombiner timestamps,
      WindowAccumulation<K, AccumT> other) {
    accumulator = fn.mergeAccumulators(List.of(accumulator, other.accumulator));
    timestamp = combine(timestamps, timestamp, other.timestamp);
    return this;
  }

  /** {@code assigned}, or no timestamp (null) if it is behind the step's output watermark. */
  private static @Nullable Instant aheadOf(Instant assigned, Instant outputWatermark) {
    return assigned.isBefore(outputWatermark) ? null : assigned;
  }

  /**
   * {@code timestamps.combine(held, timestamps.assign(window, next))} for timestamps in this
   * window, without the varargs array and the end-of-window instant that would cost per value; a
   * null is no timestamp.
   */
  private static @Nullable Instant combine(
      TimestampCombiner timestamps, @Nullable Instant held, @Nullable Instant next) {
    if (held == null || next == null) {
      return held == null ? next : held;
    }
    return switch (timestamps) {
      case EARLIEST -> next.isBefore(held) ? next : held;
      case LATEST -> next.isAfter(held) ? next : held;
      case END_OF_WINDOW -> held; // the window's end, assigned when the accumulation began
    };
  }

  /** The timestamp of what it holds: the combined one, or the window's end if there is none. */
  Instant outputTimestamp() {
    return timestamp != null ? timestamp : window.maxTimestamp();
  }

  /** The accumulator as a value in its window, at its output timestamp, not yet a pane. */
  public WindowedValue<KV<K, AccumT>> partial() {
    return WindowedValues.of(
        KV.of(key, accumulator), outputTimestamp(), window, PaneInfo.NO_FIRING);
  }

  /** The window's one pane: on time, and the only one, as the default trigger fires it. */
  public <OutputT> WindowedValue<KV<K, OutputT>> onlyPane(CombineFn<?, AccumT, OutputT> fn) {
    return WindowedValues.of(
        KV.of(key, fn.extractOutput(accumulator)),
        outputTimestamp(),
        window,
        PaneInfo.ON_TIME_AND_ONLY_FIRING);
  }
}
