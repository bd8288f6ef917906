package dev.microbatch.engine.stream;

/**
 * Something that reads records into a streaming job from outside, batch by batch: an input stream,
 * or a step the job's author reads through (a runner's splittable DoFn). Its records count into
 * each batch's statistics; under backpressure it reads at most its share of the batch's record
 * budget.
 */
public interface RecordSource {
  String name();

  /** The records read for {@code batchTime}, then forgotten. */
  long takeRecordCount(long batchTime);

  /** Whether it shares the batch's record budget (bounded data, say, does not). */
  default boolean isRateLimited() {
    return true;
  }

  /**
   * How long its reads of {@code batchTime} waited for input that did not come, in the task that
   * waited longest (KafkaIO's splittable read blocks for its polling timeout on a partition with
   * nothing new); then forgotten. Asked right after {@link #takeRecordCount} for the same batch.
   * Backpressure leaves that time out of the processing time.
   */
  default long takeWaitMillis(long batchTime) {
    return 0;
  }

  /** How much waits in the source now, in a unit of its own; -1 if it cannot tell. */
  default long backlog() {
    return -1;
  }
}
