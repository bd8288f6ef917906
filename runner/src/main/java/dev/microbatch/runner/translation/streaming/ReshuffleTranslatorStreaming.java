package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.shuffle.ReshuffledRecords;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle and Redistribute.byKey: each batch's records repartitioned by key, each as it was
 * ({@link ReshuffledRecords}); nothing is held, so the output watermark is the input's.
 */
final class ReshuffleTranslatorStreaming<K, V>
    implements StreamingTransformTranslator<
        PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>>> {

  @Override
  public boolean canTranslate(
      PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> transform,
      StreamingTranslationContext context) {
    return ReshuffledRecords.restoresEachRecord(transform, context.input());
  }

  @Override
  public void translate(
      PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> transform,
      StreamingTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    ReshuffledRecords<K, V> reshuffled = new ReshuffledRecords<>(input);
    int parallelism = context.parallelism();
    context.setOutput(
        context.<KV<K, V>>stream(input)
            .transform((records, time) -> reshuffled.repartition(records, parallelism)),
        context.watermark(input));
  }
}
