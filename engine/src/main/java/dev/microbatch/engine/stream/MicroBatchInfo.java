package dev.microbatch.engine.stream;

import java.util.Map;

/**
 * What happened in one batch, as Spark Streaming reports it. Times are epoch milliseconds of the
 * batch clock; delays are milliseconds.
 *
 * @param batchTime the time the batch stands for (its interval ends there)
 * @param inputRecords records read by each input stream, by name
 * @param processingStartTime when the batch began to run (generation included)
 * @param processingEndTime when its last output operation finished
 * @param watermark the lowest watermark of the input streams after the batch
 * @param recordBudget the most records the batch's sources could read under backpressure;
 *     Long.MAX_VALUE if it had no budget
 * @param sourceBudgets each rate-limited source's share of that budget, by name (empty without)
 * @param sourceWaitMillis how long the batch's reads waited for input that did not come (see {@link
 *     RecordSource#takeWaitMillis})
 */
public record MicroBatchInfo(
    long batchTime,
    Map<String, Long> inputRecords,
    long processingStartTime,
    long processingEndTime,
    long watermark,
    long recordBudget,
    Map<String, Long> sourceBudgets,
    long sourceWaitMillis) {

  public long numRecords() {
    return inputRecords.values().stream().mapToLong(Long::longValue).sum();
  }

  /** How long the batch waited for the ones before it. */
  public long schedulingDelay() {
    return processingStartTime - batchTime;
  }

  public long processingTime() {
    return processingEndTime - processingStartTime;
  }

  /** The processing time but for the reads' waits: what it says of how fast the job processes. */
  public long busyTime() {
    return Math.max(1, processingTime() - sourceWaitMillis);
  }

  public long totalDelay() {
    return processingEndTime - batchTime;
  }
}
