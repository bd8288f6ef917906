package dev.microbatch.runner.translation;

import java.util.Map;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/** The one registry of batch translators: one per Beam primitive (and lifted Combine.PerKey). */
final class BatchTranslators {
  private BatchTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, TransformTranslator<?>> TRANSLATORS =
      Map.of(
          Impulse.class, new ImpulseTranslator(),
          SplittableParDo.PrimitiveBoundedRead.class, new BoundedReadTranslator<>(),
          ParDo.MultiOutput.class, new ParDoTranslator<>(),
          GroupByKey.class, new GroupByKeyTranslator<>(),
          Combine.PerKey.class, new CombinePerKeyTranslator<>(),
          Flatten.PCollections.class, new FlattenTranslator<>(),
          Window.Assign.class, new WindowAssignTranslator<>(),
          View.CreatePCollectionView.class, new CreateViewTranslator<>(),
          SplittableParDo.ProcessKeyedElements.class, new SplittableProcessTranslator<>());

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> TransformTranslator<T> forTransform(T transform) {
    return (TransformTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
