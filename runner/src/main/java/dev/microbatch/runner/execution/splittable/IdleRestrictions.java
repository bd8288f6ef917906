package dev.microbatch.runner.execution.splittable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.annotations.Internal;

/**
 * The restrictions of an unbounded splittable DoFn whose last call output nothing in all its time
 * slot: they were waiting for input that did not come (KafkaIO's read of a partition with nothing
 * new blocks for its whole polling timeout, 2 s). Resumed every batch, a few of them would stall
 * every batch of their task, and the job would fall ever further behind. So a task resumes such a
 * restriction only once twice the time of its last blocking call (at most {@link #MAX_REST}) has
 * passed since it ended, and then the one that has waited longest: blocking calls take at most a
 * third of a task's time, and each such restriction gets its turn. The others wait, holding their
 * watermarks, for a later batch. Not checkpointed: after a restart every restriction is resumed.
 */
@Internal
public final class IdleRestrictions {
  /** A first call that also opened a consumer may block long; its partition rests no longer. */
  static final Duration MAX_REST = Duration.ofSeconds(4);

  private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();

  /** The restrictions of one partition of the step's keys, which one task at a time runs. */
  Partition of(int partition) {
    return partitions.computeIfAbsent(partition, p -> new Partition());
  }

  /**
   * One partition's idle restrictions, and how many calls its last bundle made (which share the
   * next bundle's time).
   */
  static final class Partition {
    /** The idle restrictions' keys, by when their last call ended. */
    private final Map<ByteBuffer, Long> idle = new HashMap<>();

    private long nextIdleCallNanos = System.nanoTime();
    private int callsInLastBundle = 1;

    synchronized int callsInLastBundle() {
      return callsInLastBundle;
    }

    synchronized void bundleEnded(int calls) {
      callsInLastBundle = Math.max(1, calls);
    }

    /** Whether the restriction of {@code key} may be resumed now. */
    synchronized boolean mayResume(byte[] key) {
      Long lastCall = idle.get(ByteBuffer.wrap(key));
      return lastCall == null
          || (System.nanoTime() - nextIdleCallNanos >= 0
              && idle.values().stream().allMatch(other -> other - lastCall >= 0));
    }

    /**
     * Records a call of {@code key}'s restriction that ran from {@code startedNanos} to {@code
     * endedNanos}; {@code idle} if it output nothing in all its time slot and resumes later.
     */
    synchronized void called(byte[] key, long startedNanos, long endedNanos, boolean idle) {
      if (idle) {
        this.idle.put(ByteBuffer.wrap(key), endedNanos);
        nextIdleCallNanos =
            endedNanos + Math.min(2 * (endedNanos - startedNanos), MAX_REST.toNanos());
      } else {
        this.idle.remove(ByteBuffer.wrap(key));
      }
    }
  }
}
