package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.translation.PipelinePreparation;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * Turns a Beam pipeline into engine datasets, batch mode: rewrites it with Beam's own overrides
 * (primitive reads, splittable DoFns run to completion per element), then walks it in topological
 * order, one translator per transform.
 */
@Internal
public final class BatchPipelineTranslator {
  private final EngineContext engine;
  private final MicroBatchPipelineOptions options;
  private final PipelineMetrics metrics;

  public BatchPipelineTranslator(
      EngineContext engine, MicroBatchPipelineOptions options, PipelineMetrics metrics) {
    this.engine = engine;
    this.options = options;
    this.metrics = metrics;
  }

  public BatchPipeline translate(Pipeline pipeline) {
    PipelinePreparation.applyOverrides(pipeline);
    BatchTranslationContext context =
        new BatchTranslationContext(
            engine, options, metrics, PipelinePreparation.countConsumers(pipeline));
    pipeline.traverseTopologically(new Visitor(pipeline, context));
    return new BatchPipeline(engine, context.leaves(), context::endPipeline);
  }

  private static final class Visitor extends Pipeline.PipelineVisitor.Defaults {
    private final Pipeline pipeline;
    private final BatchTranslationContext context;

    Visitor(Pipeline pipeline, BatchTranslationContext context) {
      this.pipeline = pipeline;
      this.context = context;
    }

    @Override
    public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
      if (node.isRootNode()) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      PTransform<?, ?> transform = node.getTransform();
      BatchTransformTranslator<PTransform<?, ?>> translator =
          BatchTranslators.forTransform(transform);
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
      BatchTransformTranslator<PTransform<?, ?>> translator =
          BatchTranslators.forTransform(transform);
      if (translator == null) {
        throw PipelinePreparation.noTranslator(node, "batch");
      }
      context.setCurrentTransform(node.toAppliedPTransform(pipeline));
      translate(node, translator);
    }

    private void translate(
        TransformHierarchy.Node node, BatchTransformTranslator<PTransform<?, ?>> translator) {
      translator.translate(node.getTransform(), context);
    }
  }
}
