package dev.microbatch.engine.shuffle;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A finished map task's output kept in memory, and the shuffle memory it holds: until its job ends,
 * or until a task that needs the memory reclaims it by spilling that output to disk.
 */
public final class HeldMapOutput {
  private final LongSupplier spillToDisk;
  private final ShuffleMemory memory;
  private final LongConsumer spillListener;
  private long bytes;

  /**
   * @param spillToDisk writes the output to disk and puts the file in its place; how many bytes it
   *     wrote
   */
  HeldMapOutput(
      LongSupplier spillToDisk, ShuffleMemory memory, LongConsumer spillListener, long bytes) {
    this.spillToDisk = spillToDisk;
    this.memory = memory;
    this.spillListener = spillListener;
    this.bytes = bytes;
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Spills the output to disk and frees its memory; how many bytes that freed. */
  synchronized long reclaim() {
    if (bytes == 0) {
      return 0;
    }
    long spilled = spillToDisk.getAsLong();
    memory.addSpilled(spilled);
    spillListener.accept(spilled);
    return release();
  }

  /** Frees the memory, leaving the output where it is; how many bytes that freed. */
  public synchronized long release() {
    long freed = bytes;
    bytes = 0;
    memory.release(freed);
    memory.forget(this);
    return freed;
  }
}
