package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.WindowedValue;

/** Flatten: the union of the inputs' partitions (none for an empty flatten). */
final class FlattenTranslatorBatch<T> implements BatchTransformTranslator<Flatten.PCollections<T>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(Flatten.PCollections<T> transform, BatchTranslationContext context) {
    List<PValue> inputs = List.copyOf(context.currentTransform().getInputs().values());
    Dataset<WindowedValue<T>> union = context.engine().empty();
    if (!inputs.isEmpty()) {
      Dataset<WindowedValue<T>>[] rest = new Dataset[inputs.size() - 1];
      for (int i = 1; i < inputs.size(); i++) {
        rest[i - 1] = context.dataset(inputs.get(i));
      }
      union = context.<T>dataset(inputs.get(0)).union(rest);
    }
    context.setOutput(union);
  }
}
