package dev.microbatch.runner.translation.batch;

import java.util.Map;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The one registry of batch translators: one per Beam primitive, and three composites: lifted
 * Combine.PerKey, and Reshuffle and Redistribute.byKey as repartitions.
 */
final class BatchTranslators {
  private BatchTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, BatchTransformTranslator<?>> TRANSLATORS =
      Map.ofEntries(
          Map.entry(Impulse.class, new ImpulseTranslatorBatch()),
          Map.entry(SplittableParDo.PrimitiveBoundedRead.class, new BoundedReadTranslatorBatch<>()),
          Map.entry(ParDo.MultiOutput.class, new ParDoTranslatorBatch<>()),
          Map.entry(GroupByKey.class, new GroupByKeyTranslatorBatch<>()),
          Map.entry(Combine.PerKey.class, new CombinePerKeyTranslatorBatch<>()),
          Map.entry(Flatten.PCollections.class, new FlattenTranslatorBatch<>()),
          Map.entry(Reshuffle.class, new ReshuffleTranslatorBatch<>()),
          Map.entry(Redistribute.RedistributeByKey.class, new ReshuffleTranslatorBatch<>()),
          Map.entry(Window.Assign.class, new WindowAssignTranslatorBatch<>()),
          Map.entry(View.CreatePCollectionView.class, new CreateViewTranslatorBatch<>()),
          Map.entry(
              SplittableParDo.ProcessKeyedElements.class,
              new SplittableProcessTranslatorBatch<>()));

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> BatchTransformTranslator<T> forTransform(T transform) {
    return (BatchTransformTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
