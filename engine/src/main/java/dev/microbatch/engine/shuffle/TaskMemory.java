package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.function.LongSupplier;

/**
 * The part of the {@link ShuffleMemory} one map task holds, reserved as its output grows. With
 * parallelism p, no task holds more than 1/p of the budget (as in Spark).
 */
final class TaskMemory {
  private static final long RESERVE_AT_LEAST = 1 << 20;

  private final ShuffleMemory memory;
  private final long maxReservedBytes;

  /**
   * Below this a task keeps its records even past the budget: spilling a few at a time would not
   * end.
   */
  private final long minSpillBytes;

  private long reservedBytes;

  TaskMemory(ShuffleMemory memory, int parallelism) {
    this.memory = memory;
    this.maxReservedBytes = memory.budgetBytes() / parallelism;
    this.minSpillBytes = Math.min(4 << 20, Math.max(1, maxReservedBytes / 4));
  }

  /**
   * Makes room for the task to hold {@code bytes} in all, reserving ahead of need, and reclaiming
   * memory finished map outputs hold if none is left; false if the task should spill instead.
   */
  boolean makeRoom(long bytes) {
    if (bytes <= reservedBytes) {
      return true;
    }
    if (bytes <= maxReservedBytes) {
      long wanted =
          Math.min(bytes + Math.max(RESERVE_AT_LEAST, bytes / 8), maxReservedBytes) - reservedBytes;
      if (memory.tryReserve(wanted) || (memory.reclaim(wanted) && memory.tryReserve(wanted))) {
        reservedBytes += wanted;
        return true;
      }
      if (memory.tryReserve(bytes - reservedBytes)) {
        reservedBytes = bytes;
        return true;
      }
    }
    return bytes < minSpillBytes;
  }

  /** Releases what is reserved beyond {@code bytes}: reserved ahead of need, and not needed. */
  void trimTo(long bytes) {
    if (reservedBytes > bytes) {
      memory.release(reservedBytes - bytes);
      reservedBytes = bytes;
    }
  }

  /**
   * Hands what is reserved to the task's finished output, which holds it until its job ends or
   * until it is reclaimed with {@code spillToDisk}.
   */
  void holdUntilJobEnds(LongSupplier spillToDisk, TaskContext task) {
    if (reservedBytes > 0) {
      HeldMapOutput held = new HeldMapOutput(spillToDisk, memory, task::reportSpill, reservedBytes);
      memory.hold(held);
      task.holdUntilJobEnds(held);
      reservedBytes = 0;
    }
  }

  /** Frees what is still reserved: all of it if the task failed before it finished. */
  void releaseAll() {
    memory.release(reservedBytes);
    reservedBytes = 0;
  }
}
