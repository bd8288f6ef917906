package dev.microbatch.runner.execution.source;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.stream.PullSource;
import dev.microbatch.runner.execution.metrics.PerTaskMetrics;
import dev.microbatch.runner.execution.metrics.StepMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An UnboundedSource read a batch at a time: split once into about {@code parallelism} splits, each
 * with a reader kept open from batch to batch. A batch reads from a reader until it has no record
 * ready, the batch's record share is reached, or the read time budget is spent. The checkpoint
 * marks a batch leaves are finalized only once that batch has completed (with
 * --checkpointDirectory, once a checkpoint covers it).
 *
 * <p>A read that fails with an IOException is retried from the split's last mark (see {@link
 * ReadRetries}).
 *
 * <p>A job's checkpoints keep the splits and each one's latest checkpoint mark; a job restored from
 * one reopens each split's reader at its mark, as Beam's Flink runner does.
 */
@Internal
public final class UnboundedSourcePull<T>
    implements PullSource<WindowedValue<T>>, CheckpointedState {
  private static final Logger LOG = LoggerFactory.getLogger(UnboundedSourcePull.class);

  /** A snapshot: each split (serialized) with its latest mark (encoded), if it has one. */
  private static final Coder<List<KV<byte[], byte[]>>> SNAPSHOT_CODER =
      ListCoder.of(KvCoder.of(ByteArrayCoder.of(), NullableCoder.of(ByteArrayCoder.of())));

  private final PipelineOptions options;
  private final MetricsContainer metrics;
  private final PerTaskMetrics readMetrics;
  private final long readBudgetMillis;
  private final ReadRetries retries;
  private final boolean finalizeAfterCheckpoints;
  private final Map<Long, Queue<CheckpointMark>> marksByBatch = new ConcurrentHashMap<>();
  private List<? extends UnboundedSource<T, ?>> splits;
  private UnboundedSource.UnboundedReader<T>[] readers;
  private Instant[] watermarks;
  private CheckpointMark[] latestMarks;

  public UnboundedSourcePull(
      List<? extends UnboundedSource<T, ?>> splits,
      PipelineOptions options,
      MetricsContainer metrics,
      PerTaskMetrics readMetrics,
      long readBudgetMillis,
      ReadRetries retries,
      boolean finalizeAfterCheckpoints) {
    this.options = options;
    this.metrics = metrics;
    this.readMetrics = readMetrics;
    this.readBudgetMillis = readBudgetMillis;
    this.retries = retries;
    this.finalizeAfterCheckpoints = finalizeAfterCheckpoints;
    startAt(splits, new CheckpointMark[splits.size()]);
  }

  /** Reads {@code splits}, each from its mark (from the start where the mark is null). */
  @SuppressWarnings("unchecked")
  private void startAt(List<? extends UnboundedSource<T, ?>> splits, CheckpointMark[] marks) {
    this.splits = splits;
    this.latestMarks = marks;
    this.readers = new UnboundedSource.UnboundedReader[splits.size()];
    this.watermarks = new Instant[splits.size()];
    Arrays.fill(watermarks, BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  @Override
  public int numPartitions() {
    return splits.size();
  }

  /**
   * In proportion to the readers' backlogs when every reader reports one (a Kafka partition's lag,
   * say); evenly otherwise, as before a reader's first read.
   */
  @Override
  public long[] shares(long limit) {
    long[] backlogs = new long[splits.size()];
    long total = 0;
    for (int i = 0; i < backlogs.length; i++) {
      backlogs[i] = readers[i] == null ? -1 : readers[i].getSplitBacklogBytes();
      if (backlogs[i] < 0 || total < 0) {
        total = -1;
      } else {
        total += backlogs[i];
      }
    }
    if (limit == Long.MAX_VALUE || total <= 0) {
      return PullSource.super.shares(limit);
    }
    long[] shares = new long[backlogs.length];
    for (int i = 0; i < shares.length; i++) {
      shares[i] = Math.max(1, (long) ((double) limit * backlogs[i] / total));
    }
    return shares;
  }

  /** The readers' total backlog, or -1 if one of them cannot tell (or has not started). */
  @Override
  public long backlog() {
    long total = 0;
    for (UnboundedSource.UnboundedReader<T> reader : readers) {
      long backlog = reader == null ? -1 : reader.getSplitBacklogBytes();
      if (backlog < 0) {
        return -1;
      }
      total += backlog;
    }
    return total;
  }

  @Override
  public Iterator<WindowedValue<T>> read(int partition, long batchTime, long maxRecords) {
    return readMetrics.inOwnContainer(() -> readBatch(partition, batchTime, maxRecords));
  }

  private Iterator<WindowedValue<T>> readBatch(int partition, long batchTime, long maxRecords) {
    List<WindowedValue<T>> records = new ArrayList<>();
    long deadline = System.currentTimeMillis() + readBudgetMillis;
    try {
      UnboundedSource.UnboundedReader<T> reader = readers[partition];
      boolean available;
      if (reader == null) {
        reader = createReader(splits.get(partition), latestMarks[partition]);
        readers[partition] = reader;
        available = reader.start();
      } else {
        available = reader.advance();
      }
      while (available) {
        records.add(
            WindowedValues.timestampedValueInGlobalWindow(
                reader.getCurrent(), reader.getCurrentTimestamp()));
        if (records.size() >= maxRecords || System.currentTimeMillis() >= deadline) {
          break;
        }
        available = reader.advance();
      }
      CheckpointMark mark = reader.getCheckpointMark();
      latestMarks[partition] = mark;
      marksByBatch.computeIfAbsent(batchTime, t -> new ConcurrentLinkedQueue<>()).add(mark);
      watermarks[partition] = reader.getWatermark();
      retries.succeeded(partition, records.size());
    } catch (IOException e) {
      // what the failed attempt read is read again from the last mark
      closeQuietly(partition);
      retries.failed(partition, splits.get(partition), e);
      return Collections.emptyIterator();
    }
    return records.iterator();
  }

  private void closeQuietly(int partition) {
    UnboundedSource.UnboundedReader<T> reader = readers[partition];
    readers[partition] = null;
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Closing the failed reader of {} failed too", splits.get(partition), e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <MarkT extends CheckpointMark> UnboundedSource.UnboundedReader<T> createReader(
      UnboundedSource<T, MarkT> split, CheckpointMark mark) throws IOException {
    return split.createReader(options, (MarkT) mark);
  }

  /** Every split, and the mark its reader left after the batch (if it was read yet). */
  @Override
  public byte[] snapshot(long batchTime) throws IOException {
    List<KV<byte[], byte[]>> splitsAndMarks = new ArrayList<>();
    for (int i = 0; i < splits.size(); i++) {
      byte[] mark =
          latestMarks[i] == null
              ? null
              : CoderUtils.encodeToByteArray(markCoder(splits.get(i)), latestMarks[i]);
      splitsAndMarks.add(KV.of(SerializableUtils.serializeToByteArray(splits.get(i)), mark));
    }
    return CoderUtils.encodeToByteArray(SNAPSHOT_CODER, splitsAndMarks);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void restore(byte[] snapshot) throws IOException {
    List<KV<byte[], byte[]>> splitsAndMarks =
        CoderUtils.decodeFromByteArray(SNAPSHOT_CODER, snapshot);
    List<UnboundedSource<T, ?>> restored = new ArrayList<>();
    CheckpointMark[] marks = new CheckpointMark[splitsAndMarks.size()];
    for (KV<byte[], byte[]> splitAndMark : splitsAndMarks) {
      UnboundedSource<T, ?> split =
          (UnboundedSource<T, ?>)
              SerializableUtils.deserializeFromByteArray(
                  splitAndMark.getKey(), "a split of an UnboundedSource");
      if (splitAndMark.getValue() != null) {
        marks[restored.size()] =
            CoderUtils.decodeFromByteArray(markCoder(split), splitAndMark.getValue());
      }
      restored.add(split);
    }
    startAt(restored, marks);
  }

  @SuppressWarnings("unchecked")
  private static Coder<CheckpointMark> markCoder(UnboundedSource<?, ?> split) {
    return (Coder<CheckpointMark>) split.getCheckpointMarkCoder();
  }

  @Override
  public void batchCompleted(long batchTime) {
    if (!finalizeAfterCheckpoints) {
      finalizeUpTo(batchTime);
    }
  }

  /**
   * With --checkpointDirectory a batch's marks are finalized (KafkaIO commits its offsets) only
   * once a checkpoint covers the batch: a job that dies before its first checkpoint starts afresh,
   * and must find the source where the last run found it, not where that run's lost batches left
   * it.
   */
  @Override
  public void checkpointWritten(long batchTime) {
    finalizeUpTo(batchTime);
  }

  /** Finalizes the marks of every batch up to {@code batchTime}. */
  private void finalizeUpTo(long batchTime) {
    List<CheckpointMark> marks = new ArrayList<>();
    for (Long time : new TreeSet<>(marksByBatch.keySet())) {
      if (time <= batchTime) {
        marks.addAll(marksByBatch.remove(time));
      }
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
  public Instant watermark() {
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
