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
  private final List<Gathering> sameHash = new ArrayList<>();

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
      for (Gathering gathering : sameHash) {
        ready.add(gathering.group());
      }
      sameHash.clear();
    }
    set(ready.poll());
    return true;
  }

  /**
   * Adds the run's current record to its key's values; keys of one hash are told apart by bytes.
   */
  private void gather(RecordCursor run) {
    for (Gathering gathering : sameHash) {
      if (gathering.hasKey(run)) {
        gathering.add(run);
        return;
      }
    }
    Gathering gathering =
        new Gathering(
            Arrays.copyOfRange(run.keyBytes(), run.keyOffset(), run.keyOffset() + run.keyLength()));
    gathering.add(run);
    sameHash.add(gathering);
  }

  /** One key's values so far. */
  private static final class Gathering {
    private final byte[] key;
    private byte[] values = new byte[32];
    private int size;
    private int count;

    Gathering(byte[] key) {
      this.key = key;
    }

    boolean hasKey(RecordCursor run) {
      return Arrays.equals(
          key, 0, key.length, run.keyBytes(), run.keyOffset(), run.keyOffset() + run.keyLength());
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
      return new KeyGroup(key, size == values.length ? values : Arrays.copyOf(values, size), count);
    }
  }
}
