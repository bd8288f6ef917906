package dev.microbatch.engine.shuffle;

import java.util.function.LongConsumer;

/**
 * A finished map task's output kept in memory, and the shuffle memory it holds: until its job ends,
 * or until a task that needs the memory reclaims it by spilling that output to disk.
 */
public final class HeldMapOutput<K> {
  private final ShuffleOutput<K> output;
  private final int mapPartition;
  private final ShuffleCodec<K, ?> codec;
  private final ShuffleMemory memory;
  private final LongConsumer spillListener;
  private long bytes;

  public HeldMapOutput(
      ShuffleOutput<K> output,
      int mapPartition,
      ShuffleCodec<K, ?> codec,
      ShuffleMemory memory,
      LongConsumer spillListener,
      long bytes) {
    this.output = output;
    this.mapPartition = mapPartition;
    this.codec = codec;
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
    long spilled = output.spillToDisk(mapPartition, codec, memory);
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
