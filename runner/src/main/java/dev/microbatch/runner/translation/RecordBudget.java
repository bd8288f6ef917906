package dev.microbatch.runner.translation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many more records a step may output in one batch (--maxRecordsPerBatch), shared by the
 * batch's tasks: a call takes a grant before it runs and gives back what it did not use, so the
 * tasks together never exceed the budget.
 */
final class RecordBudget {
  private final AtomicLong remaining;

  RecordBudget(long records) {
    this.remaining = new AtomicLong(records);
  }

  static RecordBudget unlimited() {
    return new RecordBudget(Long.MAX_VALUE);
  }

  /** Takes up to {@code wanted} records of the budget; returns how many were granted. */
  long take(long wanted) {
    while (true) {
      long left = remaining.get();
      long granted = Math.min(wanted, Math.max(0, left));
      if (granted == 0 || remaining.compareAndSet(left, left - granted)) {
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

  /** A fresh budget for every batch of a step. */
  static final class PerBatch {
    private final long records;
    private final Map<Long, RecordBudget> byBatch = new ConcurrentHashMap<>();

    /** @param records each batch's budget; 0 for no cap */
    PerBatch(long records) {
      this.records = records;
    }

    RecordBudget of(long batchTime) {
      byBatch.keySet().removeIf(earlier -> earlier < batchTime); // batches run one at a time
      return byBatch.computeIfAbsent(
          batchTime, t -> records > 0 ? new RecordBudget(records) : unlimited());
    }
  }
}
