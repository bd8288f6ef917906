package dev.microbatch.engine.stream;

/**
 * Hears about batches as they run; called on the batch thread (and, for a batch's submission, on
 * the clock thread), so it must return quickly.
 */
public interface StreamingListener {
  /** The clock queued the batch: it waits until the batches before it have run. */
  default void onBatchSubmitted(long batchTime) {}

  default void onBatchStarted(long batchTime) {}

  default void onBatchCompleted(MicroBatchInfo batch) {}

  /** The context stopped; {@code failure} is what stopped it, or null. */
  default void onStopped(Throwable failure) {}
}
