package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Iterators;
import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The reduce side of a sort shuffle: merges a partition's sorted runs (one from each map task's
 * memory, one from each of its spills) in key-hash order, and gathers each key's values as it
 * passes. Only the keys of one hash are held at a time, so the reduce side holds no table of keys.
 */
final class SortedRunMerge extends Iterators.LookaheadIterator<KeyGroup> {
  private final TaskContext task;
  private final PriorityQueue<RecordCursor> runs =
      new PriorityQueue<>((a, b) -> Integer.compareUnsigned(a.hash(), b.hash()));
  private final ArrayDeque<KeyGroup> ready = new ArrayDeque<>();

  /** The keys of the hash being merged: the first {@code keys} of these buffers, reused. */
  private final List<Gathering> sameHash = new ArrayList<>();

  private int keys;

  SortedRunMerge(List<RecordCursor> sortedRuns, TaskContext task) {
    this.task = task;
    for (RecordCursor run : sortedRuns) {
      if (run.next()) {
        runs.add(run);
      }
    }
  }

  @Override
  protected boolean advance() {
    if (ready.isEmpty()) {
      if (runs.isEmpty()) {
        return false;
      }
      task.checkCancelled();
      int hash = runs.peek().hash();
      while (!runs.isEmpty() && runs.peek().hash() == hash) {
        RecordCursor run = runs.poll();
        boolean more;
        do {
          gather(run);
          more = run.next();
        } while (more && run.hash() == hash);
        if (more) {
          runs.add(run);
        }
      }
      for (int k = 0; k < keys; k++) {
        ready.add(sameHash.get(k).group());
      }
      keys = 0;
    }
    set(ready.poll());
    return true;
  }

  /**
   * Adds the run's current record to its key's values; keys of one hash are told apart by bytes.
   */
  private void gather(RecordCursor run) {
    for (int k = 0; k < keys; k++) {
      Gathering gathering = sameHash.get(k);
      if (gathering.hasKey(run)) {
        gathering.add(run);
        return;
      }
    }
    if (keys == sameHash.size()) {
      sameHash.add(new Gathering());
    }
    Gathering gathering = sameHash.get(keys++);
    gathering.start(run);
    gathering.add(run);
  }

  /** One key's values so far, in buffers reused from key to key. */
  private static final class Gathering {
    private byte[] key = new byte[16];
    private int keyLength;
    private byte[] values = new byte[64];
    private int size;
    private int count;

    void start(RecordCursor run) {
      keyLength = run.keyLength();
      if (keyLength > key.length) {
        key = new byte[Math.max(keyLength, key.length * 2)];
      }
      System.arraycopy(run.keyBytes(), run.keyOffset(), key, 0, keyLength);
      size = 0;
      count = 0;
    }

    boolean hasKey(RecordCursor run) {
      return Arrays.equals(
          key, 0, keyLength, run.keyBytes(), run.keyOffset(), run.keyOffset() + run.keyLength());
    }

    void add(RecordCursor run) {
      int length = run.valueLength();
      if (size + length > values.length) {
        values = Arrays.copyOf(values, Math.max(size + length, values.length * 2));
      }
      System.arraycopy(run.valueBytes(), run.valueOffset(), values, size, length);
      size += length;
      count++;
    }

    KeyGroup group() {
      return new KeyGroup(Arrays.copyOf(key, keyLength), Arrays.copyOf(values, size), count);
    }
  }
}
