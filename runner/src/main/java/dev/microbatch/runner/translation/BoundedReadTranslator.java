package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.TaskContext;
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
 * each partition reads one of them.
 */
final class BoundedReadTranslator<T>
    implements TransformTranslator<SplittableParDo.PrimitiveBoundedRead<T>> {

  @Override
  public void translate(
      SplittableParDo.PrimitiveBoundedRead<T> transform, TranslationContext context) {
    context.setOutput(read(transform.getSource(), context, context.engine()));
  }

  /** The source split on the driver now; each partition of the dataset reads one bundle. */
  static <T> Dataset<WindowedValue<T>> read(
      BoundedSource<T> source, AppliedTransformContext context, EngineContext engine) {
    PipelineOptions options = context.options();
    MetricsContainer metrics = context.metrics().getContainer(context.stepName());
    List<? extends BoundedSource<T>> bundles =
        StepMetrics.inScope(metrics, () -> split(source, context));
    return engine.generate(
        bundles.size(), (partition, task) -> read(bundles.get(partition), options, metrics, task));
  }

  private static <T> List<? extends BoundedSource<T>> split(
      BoundedSource<T> source, AppliedTransformContext context) {
    try {
      long size = source.getEstimatedSizeBytes(context.options());
      long bundleSize = Math.max(1, size / context.parallelism());
      return source.split(bundleSize, context.options());
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not split source " + source + " of " + context.stepName() + ": " + e, e);
    }
  }

  private static <T> Iterator<WindowedValue<T>> read(
      BoundedSource<T> source, PipelineOptions options, MetricsContainer metrics, TaskContext task) {
    BoundedSource.BoundedReader<T> reader;
    boolean available;
    try {
      reader = StepMetrics.inScope(metrics, () -> source.createReader(options));
      task.onCompletion(() -> close(reader));
      available = StepMetrics.inScope(metrics, reader::start);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + source + ": " + e.getMessage(), e);
    }
    boolean first = available;
    StepMetrics.Call<Boolean, IOException> advance = reader::advance;
    return new Iterator<>() {
      private boolean hasCurrent = first;

      @Override
      public boolean hasNext() {
        return hasCurrent;
      }

      @Override
      public WindowedValue<T> next() {
        if (!hasCurrent) {
          throw new NoSuchElementException();
        }
        WindowedValue<T> value =
            WindowedValues.timestampedValueInGlobalWindow(
                reader.getCurrent(), reader.getCurrentTimestamp());
        try {
          hasCurrent = StepMetrics.inScope(metrics, advance);
        } catch (IOException e) {
          throw new UncheckedIOException("Could not read " + source + ": " + e.getMessage(), e);
        }
        return value;
      }
    };
  }

  private static void close(BoundedSource.BoundedReader<?> reader) {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
