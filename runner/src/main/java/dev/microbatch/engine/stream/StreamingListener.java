package dev.microbatch.engine.stream;

/** Hears about batches as they run; called on the batch thread, so it must return quickly. */
public interface StreamingListener {
  default void onBatchStarted(long batchTime) {}

  default void onBatchCompleted(BatchInfo batch) {}

  /** The context stopped; {@code failure} is what stopped it, or null. */
  default void onStopped(Throwable failure) {}
}
