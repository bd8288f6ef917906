package dev.microbatch.runner.translation.streaming;

import java.util.Map;
import org.apache.beam.sdk.testing.TestStream;
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
 * The one registry of streaming translators, one per Beam primitive, and Combine.PerKey, lifted
 * where that gives Beam's result (otherwise its expansion, GroupByKey then combining the grouped
 * values, runs), and Reshuffle and Redistribute.byKey as repartitions.
 */
final class StreamingTranslators {
  private StreamingTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, StreamingTransformTranslator<?>>
      TRANSLATORS =
          Map.ofEntries(
              Map.entry(Impulse.class, new ImpulseTranslatorStreaming()),
              Map.entry(
                  SplittableParDo.PrimitiveBoundedRead.class,
                  new BoundedReadTranslatorStreaming<>()),
              Map.entry(
                  SplittableParDo.PrimitiveUnboundedRead.class,
                  new UnboundedReadTranslatorStreaming<>()),
              Map.entry(ParDo.MultiOutput.class, new ParDoTranslatorStreaming<>()),
              Map.entry(GroupByKey.class, new GroupByKeyTranslatorStreaming<>()),
              Map.entry(Combine.PerKey.class, new CombinePerKeyTranslatorStreaming<>()),
              Map.entry(Flatten.PCollections.class, new FlattenTranslatorStreaming<>()),
              Map.entry(Reshuffle.class, new ReshuffleTranslatorStreaming<>()),
              Map.entry(Redistribute.RedistributeByKey.class, new ReshuffleTranslatorStreaming<>()),
              Map.entry(Window.Assign.class, new WindowAssignTranslatorStreaming<>()),
              Map.entry(View.CreatePCollectionView.class, new CreateViewTranslatorStreaming<>()),
              Map.entry(
                  SplittableParDo.ProcessKeyedElements.class,
                  new SplittableProcessTranslatorStreaming<>()),
              Map.entry(TestStream.class, new TestStreamTranslatorStreaming<>()));

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> StreamingTransformTranslator<T> forTransform(T transform) {
    return (StreamingTransformTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
