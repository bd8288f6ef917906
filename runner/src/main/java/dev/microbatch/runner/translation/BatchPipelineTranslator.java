package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.util.construction.SplittableParDoNaiveBounded;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Turns a Beam pipeline into engine datasets, batch mode: rewrites it with Beam's own overrides
 * (primitive reads, splittable DoFns run to completion per element), then walks it in topological
 * order, one translator per transform.
 */
public final class BatchPipelineTranslator {
  private final EngineContext engine;
  private final MicroBatchPipelineOptions options;
  private final MetricsContainerStepMap metrics;

  public BatchPipelineTranslator(
      EngineContext engine, MicroBatchPipelineOptions options, MetricsContainerStepMap metrics) {
    this.engine = engine;
    this.options = options;
    this.metrics = metrics;
  }

  public TranslatedPipeline translate(Pipeline pipeline) {
    rejectUnboundedPCollections(pipeline);
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    pipeline.replaceAll(
        List.of(
            PTransformOverride.of(
                PTransformMatchers.splittableParDo(), new SplittableParDo.OverrideFactory<>()),
            PTransformOverride.of(
                PTransformMatchers.urnEqualTo(PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN),
                new SplittableParDoNaiveBounded.OverrideFactory<>())));
    TranslationContext context =
        new TranslationContext(engine, options, metrics, countConsumers(pipeline));
    pipeline.traverseTopologically(new Visitor(pipeline, context));
    return new TranslatedPipeline(engine, context.leaves());
  }

  /**
   * Bounded pipelines run to completion in one pass, with or without --streaming (every
   * watermark reaches the end of time); unbounded PCollections need the streaming engine.
   */
  private static void rejectUnboundedPCollections(Pipeline pipeline) {
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> pc
                && pc.isBounded() == PCollection.IsBounded.UNBOUNDED) {
              throw new UnsupportedOperationException(
                  String.format(
                      "MicroBatchRunner cannot run %s yet: its output %s is an unbounded"
                          + " PCollection, and unbounded PCollections need the streaming engine,"
                          + " which is not built yet",
                      producer.getFullName(),
                      pc.getName()));
            }
          }
        });
  }

  /** How many transforms read each PCollection as a main input. */
  private static Map<PValue, Integer> countConsumers(Pipeline pipeline) {
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

  private static final class Visitor extends Pipeline.PipelineVisitor.Defaults {
    private final Pipeline pipeline;
    private final TranslationContext context;

    Visitor(Pipeline pipeline, TranslationContext context) {
      this.pipeline = pipeline;
      this.context = context;
    }

    @Override
    public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
      if (node.isRootNode()) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      PTransform<?, ?> transform = node.getTransform();
      TransformTranslator<PTransform<?, ?>> translator = BatchTranslators.forTransform(transform);
      if (translator != null) {
        context.setCurrentTransform(node.toAppliedPTransform(pipeline));
        if (translator.canTranslate(transform, context)) {
          translate(node, translator);
          return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
        }
      }
      return CompositeBehavior.ENTER_TRANSFORM;
    }

    @Override
    public void visitPrimitiveTransform(TransformHierarchy.Node node) {
      PTransform<?, ?> transform = node.getTransform();
      TransformTranslator<PTransform<?, ?>> translator = BatchTranslators.forTransform(transform);
      if (translator == null) {
        String urn = PTransformTranslation.urnForTransformOrNull(transform);
        throw new UnsupportedOperationException(
            String.format(
                "MicroBatchRunner cannot run %s (%s%s) in batch mode: no translator for this"
                    + " Beam primitive",
                node.getFullName(),
                transform.getClass().getName(),
                urn == null ? "" : ", " + urn));
      }
      context.setCurrentTransform(node.toAppliedPTransform(pipeline));
      translate(node, translator);
    }

    private void translate(
        TransformHierarchy.Node node, TransformTranslator<PTransform<?, ?>> translator) {
      translator.translate(node.getTransform(), context);
    }
  }
}
