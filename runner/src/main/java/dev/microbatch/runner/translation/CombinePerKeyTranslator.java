package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
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
    WindowingStrategy<?, ?> windowing = context.<KV<K, InputT>>input().getWindowingStrategy();
    return transform.getFn() instanceof CombineFn
        && transform.getSideInputs().isEmpty()
        && windowing.getWindowFn().isNonMerging()
        && windowing.getTrigger() instanceof DefaultTrigger;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(Combine.PerKey<K, InputT, OutputT> transform, TranslationContext context) {
    PCollection<KV<K, InputT>> input = context.input();
    CombineFn<InputT, AccumT, OutputT> fn = (CombineFn<InputT, AccumT, OutputT>) transform.getFn();
    Coder<K> keyCoder = ((KvCoder<K, InputT>) input.getCoder()).getKeyCoder();
    TimestampCombiner timestamps = input.getWindowingStrategy().getTimestampCombiner();
    Dataset<WindowedValue<KV<K, InputT>>> records = context.dataset(input);
    context.setOutput(
        records
            .flatMap(wv -> (Iterable<WindowedValue<KV<K, InputT>>>) wv.explodeWindows())
            .combineByKey(
                wv -> new KeyInWindow(keyCoder.structuralValue(wv.getValue().getKey()), windowOf(wv)),
                wv -> wv,
                new Aggregator<WindowedValue<KV<K, InputT>>, Accumulation<K, AccumT>>(
                    wv -> new Accumulation<K, AccumT>(wv.getValue().getKey(), fn.createAccumulator())
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
                        pair.key().window(),
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
    AccumT accumulator;
    Instant timestamp;

    Accumulation(K key, AccumT accumulator) {
      this.key = key;
      this.accumulator = accumulator;
    }

    <InputT> Accumulation<K, AccumT> add(
        CombineFn<InputT, AccumT, ?> fn,
        TimestampCombiner timestamps,
        WindowedValue<KV<K, InputT>> wv) {
      accumulator = fn.addInput(accumulator, wv.getValue().getValue());
      Instant assigned = timestamps.assign(windowOf(wv), wv.getTimestamp());
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
