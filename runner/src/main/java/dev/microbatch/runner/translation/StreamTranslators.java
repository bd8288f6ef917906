package dev.microbatch.runner.translation;

import java.util.Map;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The one registry of streaming translators, one per Beam primitive, and Combine.PerKey, lifted
 * where that gives Beam's result (otherwise its expansion, GroupByKey then combining the grouped
 * values, runs).
 */
final class StreamTranslators {
  private StreamTranslators() {}

  @SuppressWarnings("rawtypes")
  private static final Map<Class<? extends PTransform>, StreamTranslator<?>> TRANSLATORS =
      Map.ofEntries(
          Map.entry(Impulse.class, new ImpulseStreamTranslator()),
          Map.entry(SplittableParDo.PrimitiveBoundedRead.class, new BoundedReadStreamTranslator<>()),
          Map.entry(SplittableParDo.PrimitiveUnboundedRead.class, new UnboundedReadStreamTranslator<>()),
          Map.entry(ParDo.MultiOutput.class, new ParDoStreamTranslator<>()),
          Map.entry(GroupByKey.class, new GroupByKeyStreamTranslator<>()),
          Map.entry(Combine.PerKey.class, new CombinePerKeyStreamTranslator<>()),
          Map.entry(Flatten.PCollections.class, new FlattenStreamTranslator<>()),
          Map.entry(Window.Assign.class, new WindowAssignStreamTranslator<>()),
          Map.entry(View.CreatePCollectionView.class, new CreateViewStreamTranslator<>()),
          Map.entry(SplittableParDo.ProcessKeyedElements.class, new SplittableProcessStreamTranslator<>()),
          Map.entry(TestStream.class, new TestStreamTranslator<>()));

  /** The translator of {@code transform}'s class, or null if it has none. */
  @SuppressWarnings("unchecked")
  static <T extends PTransform<?, ?>> StreamTranslator<T> forTransform(T transform) {
    return (StreamTranslator<T>) TRANSLATORS.get(transform.getClass());
  }
}
