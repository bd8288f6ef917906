package dev.microbatch.runner.translation;

import dev.microbatch.engine.stream.BatchInfo;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * Turns a Beam pipeline into engine streams, streaming mode: every PCollection becomes a DStream
 * with a watermark of its own. When every watermark has reached the end of time (a pipeline
 * with only bounded inputs), the streaming context stops by itself.
 */
public final class StreamingPipelineTranslator {
  private final StreamingContext streaming;
  private final MicroBatchPipelineOptions options;
  private final MetricsContainerStepMap metrics;

  public StreamingPipelineTranslator(
      StreamingContext streaming, MicroBatchPipelineOptions options, MetricsContainerStepMap metrics) {
    this.streaming = streaming;
    this.options = options;
    this.metrics = metrics;
  }

  public void translate(Pipeline pipeline) {
    PipelinePreparation.applyOverrides(pipeline);
    StreamingTranslationContext context =
        new StreamingTranslationContext(
            streaming, options, metrics, PipelinePreparation.countConsumers(pipeline));
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            translate(node, pipeline, context);
          }
        });
    streaming.addListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            if (context.allWatermarksAtEndOfTime(batch.batchTime())) {
              streaming.stop(true);
            }
          }
        });
  }

  private static void translate(
      TransformHierarchy.Node node, Pipeline pipeline, StreamingTranslationContext context) {
    PTransform<?, ?> transform = node.getTransform();
    StreamTranslator<PTransform<?, ?>> translator = StreamTranslators.forTransform(transform);
    if (translator == null) {
      throw PipelinePreparation.noTranslator(node, "streaming");
    }
    context.setCurrentTransform(node.toAppliedPTransform(pipeline));
    translator.translate(transform, context);
  }
}
