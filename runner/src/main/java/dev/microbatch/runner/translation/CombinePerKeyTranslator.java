package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * Combine.PerKey lifted into the shuffle: each map task folds its inputs into one accumulator per
 * key and window, and only accumulators cross the shuffle. Applies where that gives exactly
 * Beam's result: a plain CombineFn, no side inputs, windows that do not merge, and the default
 * trigger (one on-time pane per window). Anything else is expanded into GroupByKey and a ParDo.
 */
final class CombinePerKeyTranslator<K, InputT, AccumT, OutputT>
    implements TransformTranslator<Combine.PerKey<K, InputT, OutputT>> {

  @Override
  public boolean canTranslate(
      Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) {
    return liftable(transform, context.<KV<K, InputT>>input().getWindowingStrategy());
  }

  /**
   * Whether combining values before their shuffle gives exactly Beam's result: a plain CombineFn,
   * no side inputs, windows that do not merge, the default trigger (its panes count no elements).
   */
  static boolean liftable(Combine.PerKey<?, ?, ?> transform, WindowingStrategy<?, ?> windowing) {
    return transform.getFn() instanceof CombineFn
        && transform.getSideInputs().isEmpty()
        && windowing.getWindowFn().isNonMerging()
        && windowing.getTrigger() instanceof DefaultTrigger;
  }

  /**
   * Streaming mode's map side: one partition's values folded into one accumulator per key and
   * window, each output at the timestamp its values combine to.
   */
  static <K, InputT, AccumT> Iterator<WindowedValue<KV<K, AccumT>>> combineInPartition(
      Iterator<WindowedValue<KV<K, InputT>>> values,
      CombineFn<InputT, AccumT, ?> fn,
      Coder<K> keyCoder,
      WindowingStrategy<?, ?> windowing) {
    TimestampCombiner timestamps = windowing.getTimestampCombiner();
    boolean global = windowing.getWindowFn() instanceof GlobalWindows;
    Map<Object, Accumulation<K, AccumT>> byKey = new LinkedHashMap<>();
    while (values.hasNext()) {
      for (WindowedValue<KV<K, InputT>> wv : inOneWindow(values.next(), global)) {
        Object key = shuffleKey(keyCoder, wv, global);
        Accumulation<K, AccumT> accumulation = byKey.get(key);
        if (accumulation == null) {
          byKey.put(
              key,
              new Accumulation<K, AccumT>(wv.getValue().getKey(), windowOf(wv), fn.createAccumulator())
                  .add(fn, timestamps, wv));
        } else {
          accumulation.add(fn, timestamps, wv);
        }
      }
    }
    return byKey.values().stream()
        .map(a -> WindowedValues.of(KV.of(a.key, a.accumulator), a.timestamp, a.window, PaneInfo.NO_FIRING))
        .iterator();
  }

  @SuppressWarnings("unchecked")
  private static <T> Iterable<WindowedValue<T>> inOneWindow(WindowedValue<T> wv, boolean global) {
    return global ? List.of(wv) : (Iterable<WindowedValue<T>>) (Iterable<?>) wv.explodeWindows();
  }

  /** A value's key in the shuffle: its key's structural value, and its window if not global. */
  private static <K> Object shuffleKey(Coder<K> keyCoder, WindowedValue<? extends KV<K, ?>> wv, boolean global) {
    Object key = keyCoder.structuralValue(wv.getValue().getKey());
    return global ? key : new KeyInWindow(key, windowOf(wv));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) {
    PCollection<KV<K, InputT>> input = context.input();
    CombineFn<InputT, AccumT, OutputT> fn = (CombineFn<InputT, AccumT, OutputT>) transform.getFn();
    Coder<K> keyCoder = ((KvCoder<K, InputT>) input.getCoder()).getKeyCoder();
    TimestampCombiner timestamps = input.getWindowingStrategy().getTimestampCombiner();
    Dataset<WindowedValue<KV<K, InputT>>> records = context.dataset(input);
    // In the global window every value is in that one window: the key alone is the shuffle key,
    // which spares a wrapper per value and a pointer per lookup.
    boolean global = input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
    context.setOutput(
        (global ? records : records.flatMap(wv -> inOneWindow(wv, false)))
            .combineByKey(
                wv -> shuffleKey(keyCoder, wv, global),
                wv -> wv,
                new Aggregator<WindowedValue<KV<K, InputT>>, Accumulation<K, AccumT>>(
                    wv -> new Accumulation<K, AccumT>(wv.getValue().getKey(), windowOf(wv), fn.createAccumulator())
                        .add(fn, timestamps, wv),
                    (acc, wv) -> acc.add(fn, timestamps, wv),
                    (a, b) -> a.merge(fn, timestamps, b)),
                context.parallelism(),
                true)
            .map(
                pair ->
                    WindowedValues.of(
                        KV.of(pair.value().key, fn.extractOutput(pair.value().accumulator)),
                        pair.value().timestamp,
                        pair.value().window,
                        PaneInfo.ON_TIME_AND_ONLY_FIRING)));
  }

  private static BoundedWindow windowOf(WindowedValue<?> singleWindowValue) {
    return singleWindowValue.getWindows().iterator().next();
  }

  /** The shuffle key of a lifted combine: the key's structural value, and the window. */
  private record KeyInWindow(Object key, BoundedWindow window) {}

  /** One key's accumulator in one window, and the output timestamp of what it holds. */
  private static final class Accumulation<K, AccumT> {
    final K key;
    final BoundedWindow window;
    AccumT accumulator;
    Instant timestamp;

    Accumulation(K key, BoundedWindow window, AccumT accumulator) {
      this.key = key;
      this.window = window;
      this.accumulator = accumulator;
    }

    <InputT> Accumulation<K, AccumT> add(
        CombineFn<InputT, AccumT, ?> fn,
        TimestampCombiner timestamps,
        WindowedValue<KV<K, InputT>> wv) {
      accumulator = fn.addInput(accumulator, wv.getValue().getValue());
      Instant assigned = timestamps.assign(window, wv.getTimestamp());
      timestamp = timestamp == null ? assigned : timestamps.combine(timestamp, assigned);
      return this;
    }

    Accumulation<K, AccumT> merge(
        CombineFn<?, AccumT, ?> fn, TimestampCombiner timestamps, Accumulation<K, AccumT> other) {
      accumulator = fn.mergeAccumulators(List.of(accumulator, other.accumulator));
      timestamp = timestamps.combine(timestamp, other.timestamp);
      return this;
    }
  }
}
