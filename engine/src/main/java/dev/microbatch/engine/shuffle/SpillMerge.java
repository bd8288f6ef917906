package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Iterators;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The reduce side of a shuffle that spilled: every spill segment and every in-memory bucket of the
 * partition is a run sorted by key hash, and the runs are merged in that order, so that only the
 * keys of one hash code are held at a time (Spark's ExternalAppendOnlyMap merge).
 */
public final class SpillMerge<K, V, C> extends Iterators.LookaheadIterator<Pair<K, C>> {
  private final Aggregator<V, C> aggregator;
  private final boolean combined;
  private final TaskContext task;
  private final PriorityQueue<Run<K>> runs =
      new PriorityQueue<>((a, b) -> Integer.compare(a.headHash, b.headHash));
  private Iterator<Map.Entry<K, C>> group = Collections.emptyIterator();

  public SpillMerge(
      List<Iterator<Pair<K, ?>>> sortedRuns,
      Aggregator<V, C> aggregator,
      boolean combined,
      TaskContext task) {
    this.aggregator = aggregator;
    this.combined = combined;
    this.task = task;
    for (Iterator<Pair<K, ?>> run : sortedRuns) {
      if (run.hasNext()) {
        runs.add(new Run<>(run));
      }
    }
  }

  /**
   * The runs of one reduce partition in {@code outputs}: their spill segments and in-memory
   * buckets.
   */
  public static <K> List<Iterator<Pair<K, ?>>> runsOf(
      List<ShuffleOutput.MapOutput<K>> outputs,
      ShuffleCodec<K, ?> codec,
      int partition,
      TaskContext task) {
    List<Iterator<Pair<K, ?>>> runs = new ArrayList<>();
    for (ShuffleOutput.MapOutput<K> output : outputs) {
      for (SpillFile spill : output.spills()) {
        if (spill.hasRecords(partition)) {
          runs.add(spill.read(partition, codec, task));
        }
      }
      List<Pair<K, ?>> inMemory = new ArrayList<>(output.buckets().get(partition));
      inMemory.sort(SpillFile.BY_KEY_HASH);
      runs.add(inMemory.iterator());
    }
    return runs;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected boolean advance() {
    if (!group.hasNext()) {
      if (runs.isEmpty()) {
        return false;
      }
      int hash = runs.peek().headHash;
      Map<K, C> keys = new LinkedHashMap<>();
      while (!runs.isEmpty() && runs.peek().headHash == hash) {
        task.checkCancelled();
        Run<K> run = runs.poll();
        Pair<K, ?> record = run.head;
        if (combined) {
          keys.merge(record.key(), (C) record.value(), aggregator.mergeCombiners());
        } else {
          keys.put(record.key(), aggregator.fold(keys.get(record.key()), (V) record.value()));
        }
        if (run.advance()) {
          runs.add(run);
        }
      }
      group = keys.entrySet().iterator();
    }
    Map.Entry<K, C> next = group.next();
    set(new Pair<>(next.getKey(), next.getValue()));
    return true;
  }

  /** A sorted run and its first record not yet merged. */
  private static final class Run<K> {
    private final Iterator<Pair<K, ?>> records;
    private Pair<K, ?> head;
    private int headHash;

    Run(Iterator<Pair<K, ?>> records) {
      this.records = records;
      advance();
    }

    boolean advance() {
      if (!records.hasNext()) {
        return false;
      }
      head = records.next();
      headHash = Objects.hashCode(head.key());
      return true;
    }
  }
}
