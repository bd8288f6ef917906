package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.shuffle.ShuffleCodec;
import dev.microbatch.runner.execution.combine.LiftedCombine;
import dev.microbatch.runner.execution.combine.WindowAccumulation;
import dev.microbatch.runner.execution.combine.WindowAccumulationCoder;
import dev.microbatch.runner.execution.shuffle.CoderSpillCodec;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Combine.PerKey lifted into the shuffle: each map task folds its inputs into one accumulator per
 * key and window, and only accumulators cross the shuffle. Applies where that gives exactly Beam's
 * result: a plain CombineFn, no side inputs, windows that do not merge, and the default trigger
 * (one on-time pane per window). Anything else is expanded into GroupByKey and a ParDo.
 */
final class CombinePerKeyTranslatorBatch<K, InputT, AccumT, OutputT>
    implements BatchTransformTranslator<Combine.PerKey<K, InputT, OutputT>> {

  @Override
  public boolean canTranslate(
      Combine.PerKey<K, InputT, OutputT> transform, BatchTranslationContext context) {
    return LiftedCombine.liftable(transform, context.<KV<K, InputT>>input().getWindowingStrategy());
  }

  @SuppressWarnings("unchecked")
  private static <T> Iterable<WindowedValue<T>> inOneWindow(WindowedValue<T> wv, boolean global) {
    return global ? List.of(wv) : (Iterable<WindowedValue<T>>) (Iterable<?>) wv.explodeWindows();
  }

  /** A value's key in the shuffle: its key's structural value, and its window if not global. */
  private static <K> Object shuffleKey(
      Coder<K> keyCoder, WindowedValue<? extends KV<K, ?>> wv, boolean global) {
    Object key = keyCoder.structuralValue(wv.getValue().getKey());
    return global ? key : new KeyInWindow(key, windowOf(wv));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(
      Combine.PerKey<K, InputT, OutputT> transform, BatchTranslationContext context) {
    combineInShuffle(
        (CombineFn<InputT, AccumT, OutputT>) transform.getFn(), context.input(), context);
  }

  /**
   * {@code input}'s values combined per key and window with {@code fn}, in the shuffle, as the
   * output of the transform being translated: one on-time, only pane per key and window. Only for a
   * windowing {@link LiftedCombine#firesOncePerWindow} accepts.
   */
  static <K, InputT, AccumT, OutputT> void combineInShuffle(
      CombineFn<InputT, AccumT, OutputT> fn,
      PCollection<KV<K, InputT>> input,
      BatchTranslationContext context) {
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
                // a batch job's output watermark stays at the start of time until all is done
                new Aggregator<WindowedValue<KV<K, InputT>>, WindowAccumulation<K, AccumT>>(
                    wv ->
                        WindowAccumulation.of(
                            fn,
                            timestamps,
                            windowOf(wv),
                            wv.getValue(),
                            wv.getTimestamp(),
                            BoundedWindow.TIMESTAMP_MIN_VALUE),
                    (acc, wv) ->
                        acc.add(
                            fn,
                            timestamps,
                            wv.getValue(),
                            wv.getTimestamp(),
                            BoundedWindow.TIMESTAMP_MIN_VALUE),
                    (a, b) -> a.merge(fn, timestamps, b)),
                context.parallelism(),
                true,
                spillCodec(fn, input, keyCoder, global))
            .map(pair -> pair.value().onlyPane(fn)));
  }

  /**
   * How the shuffle spills accumulations: with the CombineFn's accumulator coder, the shuffle key
   * computed again from the key and window. Null if the CombineFn has no accumulator coder: that
   * shuffle then stays in memory.
   */
  private static <K, InputT, AccumT> ShuffleCodec<Object, WindowAccumulation<K, AccumT>> spillCodec(
      CombineFn<InputT, AccumT, ?> fn,
      PCollection<KV<K, InputT>> input,
      Coder<K> keyCoder,
      boolean global) {
    Coder<AccumT> accumulatorCoder;
    try {
      accumulatorCoder = LiftedCombine.accumulatorCoderOrThrow(fn, input);
    } catch (CannotProvideCoderException e) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) input.getWindowingStrategy().getWindowFn().windowCoder();
    return new CoderSpillCodec<>(
        new WindowAccumulationCoder<>(keyCoder, windowCoder, accumulatorCoder),
        accumulation -> {
          Object key = keyCoder.structuralValue(accumulation.key);
          return global ? key : new KeyInWindow(key, accumulation.window);
        });
  }

  private static BoundedWindow windowOf(WindowedValue<?> singleWindowValue) {
    return singleWindowValue.getWindows().iterator().next();
  }

  /** The shuffle key of a lifted combine: the key's structural value, and the window. */
  private record KeyInWindow(Object key, BoundedWindow window) {}
}
