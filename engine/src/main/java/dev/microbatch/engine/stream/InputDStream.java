package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stream that reads from outside when a batch is generated (no receivers). It counts what each
 * batch read, and reads at most {@link #recordLimit()} records a batch.
 */
public abstract class InputDStream<T> extends DStream<T> implements RecordSource {
  private final String name;
  private final Map<Long, LongAdder> recordsByBatch = new ConcurrentHashMap<>();
  private volatile long maxRecordsPerBatch = Long.MAX_VALUE;

  protected InputDStream(StreamingContext context, String name) {
    super(context);
    this.name = name;
    context.addInput(this);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<DStream<?>> dependencies() {
    return List.of();
  }

  @Override
  public final long slideMillis() {
    return context().batchIntervalMillis();
  }

  /**
   * The most records the batch being generated may read: the cap set with {@link
   * #withMaxRecordsPerBatch}, and under backpressure this input's share of the batch's budget.
   */
  protected final long recordLimit() {
    return Math.min(maxRecordsPerBatch, context().recordLimit(this));
  }

  /** Caps how many records one batch reads; the rest waits in the source for later batches. */
  public final InputDStream<T> withMaxRecordsPerBatch(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxRecordsPerBatch must be at least 1, was " + max);
    }
    this.maxRecordsPerBatch = max;
    return this;
  }

  /** The counter of the records read for {@code batchTime}; safe to add to from tasks. */
  protected final LongAdder recordCounter(long batchTime) {
    return recordsByBatch.computeIfAbsent(batchTime, t -> new LongAdder());
  }

  /** {@code records}, counted into {@code batchTime}'s record count as tasks read them. */
  protected final Dataset<T> counted(Dataset<T> records, long batchTime) {
    LongAdder counter = recordCounter(batchTime);
    return records.map(
        record -> {
          counter.increment();
          return record;
        });
  }

  @Override
  public final long takeRecordCount(long batchTime) {
    LongAdder count = recordsByBatch.remove(batchTime);
    return count == null ? 0 : count.sum();
  }

  /** Called when the context starts, before the first batch. */
  protected void start() {}

  /** Called once when the context stops. */
  protected void stop() {}

  /** Called after every output operation of {@code batchTime} completed. */
  protected void batchCompleted(long batchTime) {}

  /** This input's watermark after {@code batchTime}: by default the batch time itself. */
  protected long watermark(long batchTime) {
    return batchTime;
  }
}
