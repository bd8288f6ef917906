package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.shuffle.ReshuffledRecords;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle: each batch's records repartitioned by key, each as it was ({@link ReshuffledRecords});
 * nothing is held, so the output watermark is the input's.
 */
final class ReshuffleTranslatorStreaming<K, V>
    implements StreamingTransformTranslator<Reshuffle<K, V>> {

  @Override
  public boolean canTranslate(Reshuffle<K, V> transform, StreamingTranslationContext context) {
    return ReshuffledRecords.restoresEachRecord(context.input());
  }

  @Override
  public void translate(Reshuffle<K, V> transform, StreamingTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    int parallelism = context.parallelism();
    context.setOutput(
        context.<KV<K, V>>stream(input)
            .transform((records, time) -> ReshuffledRecords.of(records, input, parallelism)),
        context.watermark(input));
  }
}
