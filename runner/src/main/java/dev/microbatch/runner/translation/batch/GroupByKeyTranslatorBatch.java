package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.runner.execution.combine.LiftedCombine;
import dev.microbatch.runner.execution.shuffle.CoderSpillCodec;
import dev.microbatch.runner.execution.shuffle.EncodedConcatenate;
import dev.microbatch.runner.execution.shuffle.GroupByKeyBytes;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * GroupByKey. Where each window fires once at its end (windows that do not merge, the default
 * trigger, the end-of-window timestamp combiner), the engine's sort shuffle groups the values
 * serialized ({@link GroupByKeyBytes}): no object a key or value is kept, and keys group by their
 * encoded bytes, Beam's key equality. Where each window fires once with another timestamp combiner,
 * the values are gathered as a lifted Combine that concatenates them ({@link EncodedConcatenate})
 * and keeps their timestamps. Otherwise a hash shuffle keyed by the key's structural value, then
 * {@link GroupAlsoByWindow} per key.
 */
final class GroupByKeyTranslatorBatch<K, V> implements BatchTransformTranslator<GroupByKey<K, V>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(GroupByKey<K, V> transform, BatchTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    if (LiftedCombine.firesOncePerWindow(windowing)
        && windowing.getTimestampCombiner() == TimestampCombiner.END_OF_WINDOW) {
      groupInSortShuffle(input, coder, context);
      return;
    }
    if (LiftedCombine.firesOncePerWindow(windowing)) {
      CombinePerKeyTranslatorBatch.combineInShuffle(
          new EncodedConcatenate<>(coder.getValueCoder()), input, context);
      return;
    }
    Coder<K> keyCoder = coder.getKeyCoder();
    GroupAlsoByWindow<K, V, Iterable<V>, BoundedWindow> groupAlsoByWindow =
        GroupAlsoByWindow.of(input, context);
    Dataset<WindowedValue<KV<K, V>>> records = context.dataset(input);
    Function<WindowedValue<KV<K, V>>, Object> keyOf =
        wv -> keyCoder.structuralValue(wv.getValue().getKey());
    context.setOutput(
        records
            .groupByKey(keyOf, context.parallelism(), CoderSpillCodec.forElements(input, keyOf))
            .flatMap(
                group -> {
                  try {
                    return groupAlsoByWindow.apply(group.value());
                  } catch (Exception e) {
                    throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
                  }
                }));
  }

  /**
   * Each key's values in each window through the engine's sort shuffle, serialized: one pane per
   * key and window, at the window's end.
   */
  @SuppressWarnings("unchecked")
  private static <K, V> void groupInSortShuffle(
      PCollection<KV<K, V>> input, KvCoder<K, V> coder, BatchTranslationContext context) {
    WindowFn<?, ?> windowFn = input.getWindowingStrategy().getWindowFn();
    boolean global = windowFn instanceof GlobalWindows;
    GroupByKeyBytes<K, V> bytes =
        new GroupByKeyBytes<>(
            coder.getKeyCoder(),
            coder.getValueCoder(),
            global ? null : (Coder<BoundedWindow>) windowFn.windowCoder());
    Dataset<WindowedValue<KV<K, V>>> records = context.dataset(input);
    context.setOutput(
        (global ? records : records.flatMap(GroupByKeyTranslatorBatch::inEachWindow))
            .groupByKeyBytes(bytes, context.parallelism())
            .map(bytes::pane));
  }

  @SuppressWarnings("unchecked")
  private static <T> Iterable<WindowedValue<T>> inEachWindow(WindowedValue<T> value) {
    return (Iterable<WindowedValue<T>>) (Iterable<?>) value.explodeWindows();
  }
}
