package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.InputDStream;
import dev.microbatch.runner.execution.metrics.StepMetrics;
import dev.microbatch.runner.execution.source.ReadRetries;
import dev.microbatch.runner.execution.source.UnboundedSourcePull;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * An unbounded Read: split on the driver into about {@code parallelism} readers, each read by one
 * task per batch for at most half the batch interval. Each batch's records are read when the batch
 * is generated, so the readers' watermark is known before anything downstream runs.
 */
final class UnboundedReadTranslatorStreaming<T>
    implements StreamingTransformTranslator<SplittableParDo.PrimitiveUnboundedRead<T>> {

  @Override
  public void translate(
      SplittableParDo.PrimitiveUnboundedRead<T> transform, StreamingTranslationContext context) {
    MetricsContainer metrics = context.stepMetrics();
    List<? extends UnboundedSource<T, ?>> splits =
        StepMetrics.inScope(metrics, () -> split(transform.getSource(), context));
    UnboundedSourcePull<T> pull =
        new UnboundedSourcePull<>(
            splits,
            context.options(),
            metrics,
            context.taskMetrics(),
            context.options().getBatchIntervalMillis() / 2,
            new ReadRetries(context.stepName(), context.options().getReadRetryWindowMillis()),
            context.options().getCheckpointDirectory() != null);
    context.checkpointed(pull);
    InputDStream<WindowedValue<T>> input = context.streaming().pullStream(context.stepName(), pull);
    long cap = context.options().getMaxRecordsPerBatch();
    if (cap > 0) {
      input.withMaxRecordsPerBatch(cap);
    }
    DStream<WindowedValue<T>> read = input.transform((d, time) -> d.materialize());
    context.setOutput(read, time -> pull.watermark());
  }

  private static <T> List<? extends UnboundedSource<T, ?>> split(
      UnboundedSource<T, ?> source, StreamingTranslationContext context) {
    try {
      return source.split(context.parallelism(), context.options());
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not split source " + source + " of " + context.stepName() + ": " + e, e);
    }
  }
}
