package dev.microbatch.runner.translation;

import dev.microbatch.engine.stream.PullSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * An UnboundedSource read a batch at a time: split once into about {@code parallelism} splits,
 * each with a reader kept open from batch to batch. A batch reads from a reader until it has no
 * record ready, the batch's record share is reached, or the read time budget is spent. The
 * checkpoint marks a batch leaves are finalized only once that batch has completed.
 */
final class UnboundedSourcePull<T> implements PullSource<WindowedValue<T>> {
  private final List<? extends UnboundedSource<T, ?>> splits;
  private final PipelineOptions options;
  private final MetricsContainer metrics;
  private final long readBudgetMillis;
  private final UnboundedSource.UnboundedReader<T>[] readers;
  private final Instant[] watermarks;
  private final Map<Long, Queue<CheckpointMark>> marksByBatch = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  UnboundedSourcePull(
      List<? extends UnboundedSource<T, ?>> splits,
      PipelineOptions options,
      MetricsContainer metrics,
      long readBudgetMillis) {
    this.splits = splits;
    this.options = options;
    this.metrics = metrics;
    this.readBudgetMillis = readBudgetMillis;
    this.readers = new UnboundedSource.UnboundedReader[splits.size()];
    this.watermarks = new Instant[splits.size()];
    Arrays.fill(watermarks, BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  @Override
  public int numPartitions() {
    return splits.size();
  }

  @Override
  public Iterator<WindowedValue<T>> read(int partition, long batchTime, long maxRecords) {
    return StepMetrics.inScope(metrics, () -> readBatch(partition, batchTime, maxRecords));
  }

  private Iterator<WindowedValue<T>> readBatch(int partition, long batchTime, long maxRecords) {
    List<WindowedValue<T>> records = new ArrayList<>();
    long deadline = System.currentTimeMillis() + readBudgetMillis;
    try {
      UnboundedSource.UnboundedReader<T> reader = readers[partition];
      boolean available;
      if (reader == null) {
        reader = splits.get(partition).createReader(options, null);
        readers[partition] = reader;
        available = reader.start();
      } else {
        available = reader.advance();
      }
      while (available) {
        records.add(
            WindowedValues.timestampedValueInGlobalWindow(reader.getCurrent(), reader.getCurrentTimestamp()));
        if (records.size() >= maxRecords || System.currentTimeMillis() >= deadline) {
          break;
        }
        available = reader.advance();
      }
      marksByBatch
          .computeIfAbsent(batchTime, t -> new ConcurrentLinkedQueue<>())
          .add(reader.getCheckpointMark());
      watermarks[partition] = reader.getWatermark();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + splits.get(partition) + ": " + e.getMessage(), e);
    }
    return records.iterator();
  }

  @Override
  public void batchCompleted(long batchTime) {
    Queue<CheckpointMark> marks = marksByBatch.remove(batchTime);
    if (marks == null) {
      return;
    }
    // Finalizing may report metrics (KafkaIO counts its commits): under this step, as reads do.
    StepMetrics.inScope(
        metrics,
        () -> {
          for (CheckpointMark mark : marks) {
            try {
              mark.finalizeCheckpoint();
            } catch (IOException e) {
              throw new UncheckedIOException(
                  "Could not finalize checkpoint " + mark + ": " + e.getMessage(), e);
            }
          }
          return null;
        });
  }

  /** The lowest watermark of the readers (before a reader's first read: the start of time). */
  Instant watermark() {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Instant w : watermarks) {
      if (w.isBefore(min)) {
        min = w;
      }
    }
    return min;
  }

  @Override
  public long watermark(long batchTime) {
    return watermark().getMillis();
  }

  @Override
  public void close() {
    for (UnboundedSource.UnboundedReader<T> reader : readers) {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
