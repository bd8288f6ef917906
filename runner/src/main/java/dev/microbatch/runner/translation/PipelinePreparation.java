package dev.microbatch.runner.translation;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/** What both translations do to a pipeline before walking it. */
@Internal
public final class PipelinePreparation {
  private PipelinePreparation() {}

  /**
   * Rewrites the pipeline with Beam's own overrides: Read-based splittable DoFns back to primitive
   * reads, and every other splittable DoFn into its expansion, which ends in the primitive
   * ProcessKeyedElements. ParDos are matched by their DoFn's signature: Beam's URN-based matcher
   * translates every ParDo to its proto to ask, which was most of the word count's translation.
   */
  public static void applyOverrides(Pipeline pipeline) {
    checkCodersSerializable(pipeline);
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    pipeline.replaceAll(
        List.of(
            PTransformOverride.of(
                PTransformMatchers.splittableParDoMulti(),
                new SplittableParDo.OverrideFactory<>())));
  }

  /**
   * Serializes every PCollection's coder once, as Flink, Spark and Dataflow do to ship it to their
   * workers: a coder that cannot travel fails here, with its PCollection named, and not only when
   * the pipeline moves to one of them.
   */
  private static void checkCodersSerializable(Pipeline pipeline) {
    Set<Coder<?>> checked = Collections.newSetFromMap(new IdentityHashMap<>());
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> pc && checked.add(pc.getCoder())) {
              try {
                SerializableUtils.serializeToByteArray(pc.getCoder());
              } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                    "The coder " + pc.getCoder() + " of " + pc.getName() + " cannot be serialized",
                    e);
              }
            }
          }
        });
  }

  /** The error for a primitive that {@code mode} ("batch", "streaming") has no translator for. */
  public static UnsupportedOperationException noTranslator(
      TransformHierarchy.Node node, String mode) {
    String urn = PTransformTranslation.urnForTransformOrNull(node.getTransform());
    return new UnsupportedOperationException(
        String.format(
            "MicroBatchRunner cannot run %s (%s%s) in %s mode: no translator for this Beam"
                + " primitive yet",
            node.getFullName(),
            node.getTransform().getClass().getName(),
            urn == null ? "" : ", " + urn,
            mode));
  }

  /** Whether the pipeline plays a TestStream (which then drives its batches and clock). */
  public static boolean hasTestStream(Pipeline pipeline) {
    boolean[] found = {false};
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            found[0] |= node.getTransform() instanceof TestStream;
          }
        });
    return found[0];
  }

  /**
   * The first unbounded PCollection of {@code pipeline}, with the transform that produces it, or
   * null if every PCollection is bounded.
   */
  public static @Nullable String firstUnboundedPCollection(Pipeline pipeline) {
    String[] found = {null};
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (found[0] == null
                && value instanceof PCollection<?> pc
                && pc.isBounded() == PCollection.IsBounded.UNBOUNDED) {
              found[0] = pc.getName() + " (the output of " + producer.getFullName() + ")";
            }
          }
        });
    return found[0];
  }

  /** How many transforms read each PCollection as a main input. */
  public static Map<PValue, Integer> countConsumers(Pipeline pipeline) {
    Map<PValue, Integer> consumers = new HashMap<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            Map<TupleTag<?>, PValue> sideInputs = node.getTransform().getAdditionalInputs();
            node.getInputs()
                .forEach(
                    (tag, value) -> {
                      if (!sideInputs.containsKey(tag)) {
                        consumers.merge(value, 1, Integer::sum);
                      }
                    });
          }
        });
    return consumers;
  }
}
