package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.checkpoint.CheckpointStore;
import dev.microbatch.engine.checkpoint.Checkpointer;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import dev.microbatch.runner.translation.PipelinePreparation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * Turns a Beam pipeline into engine streams, streaming mode: every PCollection becomes a DStream
 * with a watermark of its own. When every watermark has reached the end of time (a pipeline with
 * only bounded inputs), the streaming context stops by itself. With --checkpointDirectory, the job
 * resumes from the directory's latest checkpoint and writes new ones as it goes.
 */
@Internal
public final class StreamingPipelineTranslator {
  private final StreamingContext streaming;
  private final MicroBatchPipelineOptions options;
  private final PipelineMetrics metrics;

  public StreamingPipelineTranslator(
      StreamingContext streaming, MicroBatchPipelineOptions options, PipelineMetrics metrics) {
    this.streaming = streaming;
    this.options = options;
    this.metrics = metrics;
  }

  public StreamingPipeline translate(Pipeline pipeline) {
    PipelinePreparation.applyOverrides(pipeline);
    StreamingTranslationContext context =
        new StreamingTranslationContext(
            streaming, options, metrics, PipelinePreparation.countConsumers(pipeline));
    Shape shape = new Shape();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.isRootNode() || !translatesWhole(node, pipeline, context)) {
              return CompositeBehavior.ENTER_TRANSFORM;
            }
            translate(node, pipeline, context);
            shape.update(node);
            return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            translate(node, pipeline, context);
            shape.update(node);
          }
        });
    if (options.getCheckpointDirectory() != null) {
      resumeAndCheckpoint(context, "pipeline " + shape.id());
    }
    StreamingPipeline executable = new StreamingPipeline(streaming, context::endPipeline);
    streaming.addListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            executable.watermarksAre(context.watermarksAfter(batch.batchTime()));
            if (context.allWatermarksAtEndOfTime(batch.batchTime())) {
              streaming.stop(true);
            }
          }
        });
    return executable;
  }

  /**
   * Restores the job's state from the latest checkpoint, if any, and writes checkpoints from now
   * on. A pipeline is known by a digest of its transforms' names and kinds: a checkpoint of a
   * pipeline of another shape is refused.
   */
  private void resumeAndCheckpoint(StreamingTranslationContext context, String pipelineId) {
    Checkpointer checkpointer =
        new Checkpointer(
            new CheckpointStore(Path.of(options.getCheckpointDirectory()), 3),
            pipelineId,
            options.getCheckpointIntervalBatches());
    context.checkpointed().forEach(checkpointer::register);
    checkpointer.restore();
    streaming.addListener(checkpointer);
  }

  /** A digest of the translated transforms' full names and classes. */
  private static final class Shape {
    private final MessageDigest digest;

    Shape() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void update(TransformHierarchy.Node node) {
      digest.update(
          (node.getFullName() + '|' + node.getTransform().getClass().getName() + '\n')
              .getBytes(StandardCharsets.UTF_8));
    }

    String id() {
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
  }

  /** Whether a composite has a translator of its own that takes it whole. */
  private static boolean translatesWhole(
      TransformHierarchy.Node node, Pipeline pipeline, StreamingTranslationContext context) {
    PTransform<?, ?> transform = node.getTransform();
    StreamingTransformTranslator<PTransform<?, ?>> translator =
        transform == null ? null : StreamingTranslators.forTransform(transform);
    if (translator == null) {
      return false;
    }
    context.setCurrentTransform(node.toAppliedPTransform(pipeline));
    return translator.canTranslate(transform, context);
  }

  private static void translate(
      TransformHierarchy.Node node, Pipeline pipeline, StreamingTranslationContext context) {
    PTransform<?, ?> transform = node.getTransform();
    StreamingTransformTranslator<PTransform<?, ?>> translator =
        StreamingTranslators.forTransform(transform);
    if (translator == null) {
      throw PipelinePreparation.noTranslator(node, "streaming");
    }
    context.setCurrentTransform(node.toAppliedPTransform(pipeline));
    translator.translate(transform, context);
  }
}
