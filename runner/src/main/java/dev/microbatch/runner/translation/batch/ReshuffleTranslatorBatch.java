package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.shuffle.ReshuffledRecords;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/** Reshuffle: its records repartitioned by key, each as it was ({@link ReshuffledRecords}). */
final class ReshuffleTranslatorBatch<K, V> implements BatchTransformTranslator<Reshuffle<K, V>> {

  @Override
  public boolean canTranslate(Reshuffle<K, V> transform, BatchTranslationContext context) {
    return ReshuffledRecords.restoresEachRecord(context.input());
  }

  @Override
  public void translate(Reshuffle<K, V> transform, BatchTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    context.setOutput(ReshuffledRecords.of(context.dataset(input), input, context.parallelism()));
  }
}
