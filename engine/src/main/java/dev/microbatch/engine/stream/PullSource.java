package dev.microbatch.engine.stream;

import java.util.Arrays;
import java.util.Iterator;

/**
 * A partitioned source that the engine pulls from at each batch, like Spark's direct Kafka stream:
 * partition {@code i} of every batch is read by a task from reader {@code i}, which stays open from
 * batch to batch. Reads of one partition never overlap.
 */
public interface PullSource<T> {
  int numPartitions();

  /**
   * Reads at most {@code maxRecords} records of {@code partition} for the batch {@code batchTime}.
   */
  Iterator<T> read(int partition, long batchTime, long maxRecords);

  /**
   * How {@code limit} records of a batch divide between the partitions: evenly by default (at least
   * 1 each); Long.MAX_VALUE is no limit.
   */
  default long[] shares(long limit) {
    long[] shares = new long[numPartitions()];
    Arrays.fill(shares, limit == Long.MAX_VALUE ? limit : Math.max(1, limit / shares.length));
    return shares;
  }

  /** How much waits in the source, in a unit of its own; -1 if it cannot tell. */
  default long backlog() {
    return -1;
  }

  /** Every output of {@code batchTime} completed: what it read may be acknowledged now. */
  default void batchCompleted(long batchTime) {}

  /** The watermark after the batch {@code batchTime} was read. */
  default long watermark(long batchTime) {
    return batchTime;
  }

  /** The context stopped. */
  default void close() {}
}
