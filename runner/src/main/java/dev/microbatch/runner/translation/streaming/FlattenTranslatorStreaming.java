package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.source.BoundedInputStream;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Flatten in streaming mode: the union of the inputs' streams, at the lowest of their watermarks.
 * An empty Flatten is bounded data with nothing in it.
 */
final class FlattenTranslatorStreaming<T>
    implements StreamingTransformTranslator<Flatten.PCollections<T>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(Flatten.PCollections<T> transform, StreamingTranslationContext context) {
    List<PValue> inputs = List.copyOf(context.currentTransform().getInputs().values());
    if (inputs.isEmpty()) {
      BoundedInputStream<T> empty =
          new BoundedInputStream<>(
              context.streaming(), context.stepName(), context.streaming().engine().empty());
      context.setOutput(empty, empty::watermarkAfter);
      return;
    }
    DStream<WindowedValue<T>>[] rest = new DStream[inputs.size() - 1];
    List<PCollectionWatermark> watermarks = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      watermarks.add(context.watermark(inputs.get(i)));
      if (i > 0) {
        rest[i - 1] = context.stream(inputs.get(i));
      }
    }
    context.setOutput(
        context.<T>stream(inputs.get(0)).union(rest), PCollectionWatermark.min(watermarks));
  }
}
