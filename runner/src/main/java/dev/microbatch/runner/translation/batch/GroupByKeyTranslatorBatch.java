package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.runner.execution.combine.LiftedCombine;
import dev.microbatch.runner.execution.shuffle.CoderSpillCodec;
import dev.microbatch.runner.execution.shuffle.EncodedConcatenate;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * GroupByKey: a hash shuffle keyed by the key's structural value (equal exactly when the encoded
 * bytes are equal, Beam's key equality), then {@link GroupAlsoByWindow} per key. Where each window
 * fires once (windows that do not merge, the default trigger), the values are gathered in the
 * shuffle instead, as a lifted Combine that concatenates them ({@link EncodedConcatenate}, which
 * holds them encoded): the same one pane per key and window, without ReduceFnRunner's timers and
 * state for every value.
 */
final class GroupByKeyTranslatorBatch<K, V> implements BatchTransformTranslator<GroupByKey<K, V>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(GroupByKey<K, V> transform, BatchTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
    if (LiftedCombine.firesOncePerWindow(input.getWindowingStrategy())) {
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
}
