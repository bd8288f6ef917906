package dev.microbatch.engine.checkpoint;

/**
 * One part of a streaming job's state that checkpoints keep: an input's position, a keyed stream's
 * state. Both calls run on the batch thread, between batches.
 */
public interface CheckpointedState {
  /** The state after the completed batch {@code batchTime}, as bytes. */
  byte[] snapshot(long batchTime) throws Exception;

  /** Before the first batch: continue from {@code snapshot}, taken by an earlier run of the job. */
  void restore(byte[] snapshot) throws Exception;

  /**
   * The checkpoint taken after {@code batchTime} is durable: what the batches up to it read may be
   * acknowledged to their sources now.
   */
  default void checkpointWritten(long batchTime) {}
}
