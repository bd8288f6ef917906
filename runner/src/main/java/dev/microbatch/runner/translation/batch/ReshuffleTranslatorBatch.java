package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.shuffle.ReshuffledRecords;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reshuffle and Redistribute.byKey: their records repartitioned by key, each as it was ({@link
 * ReshuffledRecords}).
 */
final class ReshuffleTranslatorBatch<K, V>
    implements BatchTransformTranslator<PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>>> {

  @Override
  public boolean canTranslate(
      PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> transform,
      BatchTranslationContext context) {
    return ReshuffledRecords.restoresEachRecord(transform, context.input());
  }

  @Override
  public void translate(
      PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> transform,
      BatchTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    context.setOutput(
        new ReshuffledRecords<>(input).repartition(context.dataset(input), context.parallelism()));
  }
}
