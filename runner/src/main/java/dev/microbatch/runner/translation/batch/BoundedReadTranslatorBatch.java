package dev.microbatch.runner.translation.batch;

import dev.microbatch.runner.execution.source.BoundedSourceRead;
import dev.microbatch.runner.execution.metrics.StepMetrics;
import dev.microbatch.runner.execution.source.RebalancedReads;
import dev.microbatch.runner.translation.AppliedTransformContext;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.scheduler.TaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * A bounded Read: the source is split into about {@code parallelism} bundles on the driver, and
 * each partition reads one of them, and then part of what the others have left.
 */
final class BoundedReadTranslatorBatch<T>
    implements BatchTransformTranslator<SplittableParDo.PrimitiveBoundedRead<T>> {

  @Override
  public void translate(
      SplittableParDo.PrimitiveBoundedRead<T> transform, BatchTranslationContext context) {
    context.setOutput(BoundedSourceRead.read(transform.getSource(), context, context.engine()));
  }
}
