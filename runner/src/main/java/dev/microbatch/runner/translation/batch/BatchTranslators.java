package dev.microbatch.runner.translation.batch;

import java.util.Map;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/** The one registry of batch translators: one per Beam primitive (and lifted Combine.PerKey). */
final class BatchTranslators {
  private BatchTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, BatchTransformTranslator<?>> TRANSLATORS =
      Map.of(
          Impulse.class, new ImpulseTranslatorBatch(),
          SplittableParDo.PrimitiveBoundedRead.class, new BoundedReadTranslatorBatch<>(),
          ParDo.MultiOutput.class, new ParDoTranslatorBatch<>(),
          GroupByKey.class, new GroupByKeyTranslatorBatch<>(),
          Combine.PerKey.class, new CombinePerKeyTranslatorBatch<>(),
          Flatten.PCollections.class, new FlattenTranslatorBatch<>(),
          Reshuffle.class, new ReshuffleTranslatorBatch<>(),
          Window.Assign.class, new WindowAssignTranslatorBatch<>(),
          View.CreatePCollectionView.class, new CreateViewTranslatorBatch<>(),
          SplittableParDo.ProcessKeyedElements.class, new SplittableProcessTranslatorBatch<>());

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> BatchTransformTranslator<T> forTransform(T transform) {
    return (BatchTransformTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
