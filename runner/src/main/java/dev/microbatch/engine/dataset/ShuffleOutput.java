package dev.microbatch.engine.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory map output of one shuffle: for each map partition, one bucket of key/value pairs
 * per reduce partition. Map tasks write disjoint rows, so no locking is needed.
 */
final class ShuffleOutput<K> {
  private final List<List<Pair<K, ?>>>[] buckets;
  private final int numReducePartitions;
  private final AtomicInteger mapsWritten = new AtomicInteger();

  @SuppressWarnings("unchecked")
  ShuffleOutput(int numMapPartitions, int numReducePartitions) {
    this.buckets = new List[numMapPartitions];
    this.numReducePartitions = numReducePartitions;
  }

  int numReducePartitions() {
    return numReducePartitions;
  }

  int bucketOf(Object key) {
    int h = java.util.Objects.hashCode(key);
    return Math.floorMod(h ^ (h >>> 16), numReducePartitions);
  }

  List<List<Pair<K, ?>>> newBuckets() {
    List<List<Pair<K, ?>>> rows = new ArrayList<>(numReducePartitions);
    for (int i = 0; i < numReducePartitions; i++) {
      rows.add(new ArrayList<>());
    }
    return rows;
  }

  void write(int mapPartition, List<List<Pair<K, ?>>> rows) {
    if (buckets[mapPartition] == null) {
      mapsWritten.incrementAndGet();
    }
    buckets[mapPartition] = rows;
  }

  boolean isComplete() {
    return mapsWritten.get() == buckets.length;
  }

  /** The bucket of one reduce partition written by one map partition. */
  List<Pair<K, ?>> bucket(int mapPartition, int reducePartition) {
    return buckets[mapPartition].get(reducePartition);
  }

  int numMapPartitions() {
    return buckets.length;
  }
}
