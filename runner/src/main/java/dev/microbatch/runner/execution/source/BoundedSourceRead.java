package dev.microbatch.runner.execution.source;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.runner.execution.StepEnvironment;
import dev.microbatch.runner.execution.metrics.PerTaskMetrics;
import dev.microbatch.runner.execution.metrics.StepMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * A bounded source read in either mode: split into about {@code parallelism} bundles on the driver,
 * each partition reads one of them, and then part of what the others have left.
 */
@Internal
public final class BoundedSourceRead {
  private BoundedSourceRead() {}

  /**
   * The source split on the driver now; each partition of the dataset reads one bundle, then takes
   * over part of what the other partitions' readers have left (see {@link RebalancedReads}).
   */
  public static <T> Dataset<WindowedValue<T>> read(
      BoundedSource<T> source, StepEnvironment context, EngineContext engine) {
    PipelineOptions options = context.options();
    MetricsContainer metrics = context.stepMetrics();
    List<? extends BoundedSource<T>> bundles =
        StepMetrics.inScope(metrics, () -> split(source, context));
    PerTaskMetrics taskMetrics = context.taskMetrics();
    Object readersKey = new Object(); // what this read's tasks share in one run of a stage
    return engine.generate(
        bundles.size(),
        (partition, task) ->
            new Reading<>(
                bundles.get(partition),
                options,
                taskMetrics.forTask(task),
                task,
                task.sharedInStage(readersKey, RebalancedReads::new)));
  }

  private static <T> List<? extends BoundedSource<T>> split(
      BoundedSource<T> source, StepEnvironment context) {
    try {
      long size = source.getEstimatedSizeBytes(context.options());
      long bundleSize = Math.max(1, size / context.parallelism());
      return source.split(bundleSize, context.options());
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not split source " + source + " of " + context.stepName() + ": " + e, e);
    }
  }

  /** One partition's records: its bundle's, then those of the rests it takes over. */
  private static final class Reading<T> implements Iterator<WindowedValue<T>> {
    private final PipelineOptions options;
    private final MetricsContainer metrics;
    private final TaskContext task;
    private final RebalancedReads<T> readers;
    private BoundedSource.BoundedReader<T> reader;
    private boolean hasCurrent;
    private final StepMetrics.Call<Boolean, IOException> advance = () -> reader.advance();

    Reading(
        BoundedSource<T> bundle,
        PipelineOptions options,
        MetricsContainer metrics,
        TaskContext task,
        RebalancedReads<T> readers) {
      this.options = options;
      this.metrics = metrics;
      this.task = task;
      this.readers = readers;
      open(bundle);
    }

    @Override
    public boolean hasNext() {
      while (!hasCurrent && reader != null) {
        readers.finished(reader);
        BoundedSource<T> rest = readers.takeOver();
        reader = null;
        if (rest != null) {
          open(rest);
        }
      }
      return hasCurrent;
    }

    @Override
    public WindowedValue<T> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      WindowedValue<T> value =
          WindowedValues.timestampedValueInGlobalWindow(
              reader.getCurrent(), reader.getCurrentTimestamp());
      try {
        hasCurrent = StepMetrics.inScope(metrics, advance);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Could not read " + reader.getCurrentSource() + ": " + e.getMessage(), e);
      }
      return value;
    }

    private void open(BoundedSource<T> bundle) {
      try {
        BoundedSource.BoundedReader<T> opened =
            StepMetrics.inScope(metrics, () -> bundle.createReader(options));
        reader = opened;
        task.onCompletion(
            () -> {
              readers.finished(opened);
              close(opened);
            });
        hasCurrent = StepMetrics.inScope(metrics, opened::start);
        if (hasCurrent) {
          readers.started(opened, estimatedSizeBytes(bundle));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read " + bundle + ": " + e.getMessage(), e);
      }
    }

    /** The bundle's estimated size; 0 (never split) if the source cannot tell. */
    private long estimatedSizeBytes(BoundedSource<T> bundle) {
      try {
        return bundle.getEstimatedSizeBytes(options);
      } catch (Exception e) {
        return 0;
      }
    }
  }

  private static void close(BoundedSource.BoundedReader<?> reader) {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
