package dev.microbatch.runner.execution.splittable;

import dev.microbatch.engine.stream.RecordSource;
import dev.microbatch.engine.stream.StreamingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.annotations.Internal;

/**
 * How many more records a step may output in one batch (--maxRecordsPerBatch), shared by the
 * batch's tasks: a call takes a grant before it runs and gives back what it did not use, so the
 * tasks together never exceed the budget.
 */
@Internal
public final class RecordBudget {
  private final long records;
  private final long share;
  private final AtomicLong remaining;
  private final AtomicLong calls = new AtomicLong();
  private final Map<Integer, AtomicLong> waitedNanosByTask = new ConcurrentHashMap<>();

  /**
   * @param restrictions how many restrictions are expected to ask (those that asked in the last
   *     batch); 0 if not known yet
   */
  RecordBudget(long records, long restrictions) {
    this.records = records;
    this.share = restrictions > 0 ? Math.max(1, records / restrictions) : records;
    this.remaining = new AtomicLong(records);
  }

  public static RecordBudget unlimited() {
    return new RecordBudget(Long.MAX_VALUE, 0);
  }

  /**
   * Takes up to {@code wanted} records of the budget, and at most one restriction's fair share of
   * it, so that one restriction with a backlog does not take a whole batch's budget while the
   * others wait (and their watermarks with them); returns how many were granted.
   */
  long take(long wanted) {
    calls.incrementAndGet();
    wanted = Math.min(wanted, share);
    while (true) {
      long left = remaining.get();
      long granted = Math.min(wanted, Math.max(0, left));
      if (granted == 0 || remaining.compareAndSet(left, left - granted)) {
        return granted;
      }
    }
  }

  /**
   * Takes up to {@code wanted} of the records left once every restriction had its share, split
   * evenly between the {@code takers} that want more; not counted as a restriction asking.
   */
  long takeLeft(long wanted, int takers) {
    if (records == Long.MAX_VALUE) {
      return 0; // without a limit nothing is left over: every restriction had its call
    }
    while (true) {
      long left = remaining.get();
      if (left <= 0) {
        return 0;
      }
      long evenShare = (left - 1) / Math.max(1, takers) + 1; // left / takers, rounded up
      long granted = Math.min(wanted, evenShare);
      if (remaining.compareAndSet(left, left - granted)) {
        return granted;
      }
    }
  }

  /** Returns the part of a grant that was not used. */
  void giveBack(long unused) {
    if (unused > 0) {
      remaining.addAndGet(unused);
    }
  }

  /** A call of task {@code partition} waited {@code nanos} for input that did not come. */
  void waited(int partition, long nanos) {
    waitedNanosByTask.computeIfAbsent(partition, p -> new AtomicLong()).addAndGet(nanos);
  }

  /** The longest a task waited, in milliseconds. */
  long waitedMillis() {
    return waitedNanosByTask.values().stream().mapToLong(AtomicLong::get).max().orElse(0)
        / 1_000_000;
  }

  /** The records granted and used. */
  long used() {
    return records - remaining.get();
  }

  /**
   * A fresh budget for every batch of a step that reads from outside (an unbounded splittable
   * DoFn): the step's --maxRecordsPerBatch, or under backpressure its share of the batch's budget
   * if that is smaller. Its records count into the batch's.
   */
  public static final class PerBatch implements RecordSource {
    private final String name;
    private final long cap;
    private final StreamingContext streaming;
    private final Map<Long, RecordBudget> byBatch = new ConcurrentHashMap<>();

    /** How many restrictions asked for records in the last batch that ran. */
    private volatile long restrictionsAsking;

    /**
     * @param cap each batch's budget; -1 for no cap
     */
    public PerBatch(String name, long cap, StreamingContext streaming) {
      this.name = name;
      this.cap = cap > 0 ? cap : Long.MAX_VALUE;
      this.streaming = streaming;
      streaming.addRecordSource(this);
    }

    /**
     * The budget of {@code batchTime}, which that batch's tasks share. Tasks ask while their batch
     * runs, and batches run one at a time, so the share they see is their batch's. It is split
     * evenly between as many restrictions as asked in the last batch.
     */
    public RecordBudget of(long batchTime) {
      return byBatch.computeIfAbsent(
          batchTime,
          t -> new RecordBudget(Math.min(cap, streaming.recordLimit(this)), restrictionsAsking));
    }

    @Override
    public String name() {
      return name;
    }

    /** Called first: the wait is asked for after the count. */
    @Override
    public long takeRecordCount(long batchTime) {
      RecordBudget budget = byBatch.get(batchTime);
      byBatch.keySet().removeIf(earlier -> earlier < batchTime);
      if (budget == null) {
        return 0;
      }
      restrictionsAsking = budget.calls.get();
      return budget.used();
    }

    @Override
    public long takeWaitMillis(long batchTime) {
      RecordBudget budget = byBatch.remove(batchTime);
      return budget == null ? 0 : budget.waitedMillis();
    }
  }
}
