package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.MapOutputBuffer;
import dev.microbatch.engine.shuffle.ShuffleCodec;
import dev.microbatch.engine.shuffle.ShuffleOutput;
import java.util.Iterator;
import java.util.function.Function;

/**
 * A wide dependency: the parent's records are hash-partitioned by key into {@code numPartitions}
 * buckets, optionally pre-combined on the map side; the child reads and merges one bucket per
 * partition. Keys are compared with {@code equals}/{@code hashCode} of what {@code keyOf} returns.
 */
public final class ShuffleDependency<T, K, V, C> implements Dependency.Shuffle {
  private final int id;
  private final Dataset<T> parent;
  private final Function<T, K> keyOf;
  private final Function<T, V> valueOf;
  private final Aggregator<V, C> aggregator;
  private final boolean mapSideCombine;
  private final ShuffleCodec<K, ?> spillCodec;
  private final ShuffleOutput<K> output;

  ShuffleDependency(
      int id,
      Dataset<T> parent,
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      Aggregator<V, C> aggregator,
      boolean mapSideCombine,
      ShuffleCodec<K, ?> spillCodec,
      int numPartitions) {
    this.id = id;
    this.parent = parent;
    this.keyOf = keyOf;
    this.valueOf = valueOf;
    this.aggregator = aggregator;
    this.mapSideCombine = mapSideCombine;
    this.spillCodec = spillCodec;
    this.output = new ShuffleOutput<>(parent.numPartitions(), numPartitions);
  }

  public int id() {
    return id;
  }

  @Override
  public Dataset<T> parent() {
    return parent;
  }

  public Function<T, K> keyOf() {
    return keyOf;
  }

  public Function<T, V> valueOf() {
    return valueOf;
  }

  public Aggregator<V, C> aggregator() {
    return aggregator;
  }

  public boolean mapSideCombine() {
    return mapSideCombine;
  }

  /**
   * How to spill the records that cross the shuffle (combiners or values), or null: never spill.
   */
  public ShuffleCodec<K, ?> spillCodec() {
    return spillCodec;
  }

  public ShuffleOutput<K> output() {
    return output;
  }

  @Override
  public boolean isComplete() {
    return output.isComplete();
  }

  /** Buckets the records by key, pre-combining if asked to. */
  @Override
  @SuppressWarnings("unchecked")
  public void writeMapOutput(int partition, Iterator<?> records, TaskContext task) {
    EngineContext context = parent.context();
    MapOutputBuffer<K, V, C> buffer =
        new MapOutputBuffer<>(this, context.shuffleMemory(), context.parallelism(), task);
    try {
      // forEachRemaining: a fused producer may push each record here as it makes it
      ((Iterator<T>) records)
          .forEachRemaining(
              record -> {
                task.checkCancelled();
                buffer.add(keyOf.apply(record), valueOf.apply(record));
              });
      buffer.finish(partition);
    } finally {
      buffer.releaseReserved(); // none left after finish; what a failed task had
    }
  }
}
