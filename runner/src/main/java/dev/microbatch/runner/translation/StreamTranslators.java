package dev.microbatch.runner.translation;

import java.util.Map;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The one registry of streaming translators, one per Beam primitive. Combine.PerKey is not
 * lifted in streaming mode: its expansion (GroupByKey, then combining the grouped values) runs.
 */
final class StreamTranslators {
  private StreamTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, StreamTranslator<?>> TRANSLATORS =
      Map.of(
          Impulse.class, new ImpulseStreamTranslator(),
          SplittableParDo.PrimitiveBoundedRead.class, new BoundedReadStreamTranslator<>(),
          SplittableParDo.PrimitiveUnboundedRead.class, new UnboundedReadStreamTranslator<>(),
          ParDo.MultiOutput.class, new ParDoStreamTranslator<>(),
          GroupByKey.class, new GroupByKeyStreamTranslator<>(),
          Flatten.PCollections.class, new FlattenStreamTranslator<>(),
          Window.Assign.class, new WindowAssignStreamTranslator<>(),
          View.CreatePCollectionView.class, new CreateViewStreamTranslator<>(),
          SplittableParDo.ProcessKeyedElements.class, new SplittableProcessStreamTranslator<>(),
          TestStream.class, new TestStreamTranslator<>());

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> StreamTranslator<T> forTransform(T transform) {
    return (StreamTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
