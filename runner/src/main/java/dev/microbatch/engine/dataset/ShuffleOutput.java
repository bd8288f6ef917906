package dev.microbatch.engine.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The map output of one shuffle: for each map partition, one in-memory bucket of key/value pairs
 * per reduce partition, and the files the map task spilled. Map tasks write disjoint rows, so no
 * locking is needed.
 */
final class ShuffleOutput<K> {
  private final List<List<Pair<K, ?>>>[] buckets;
  private final List<SpillFile>[] spills;
  private final int numReducePartitions;
  private final AtomicInteger mapsWritten = new AtomicInteger();

  @SuppressWarnings("unchecked")
  ShuffleOutput(int numMapPartitions, int numReducePartitions) {
    this.buckets = new List[numMapPartitions];
    this.spills = new List[numMapPartitions];
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

  void write(int mapPartition, List<List<Pair<K, ?>>> rows, List<SpillFile> spilled) {
    if (buckets[mapPartition] == null) {
      mapsWritten.incrementAndGet();
    }
    spills[mapPartition] = spilled;
    buckets[mapPartition] = rows;
  }

  boolean isComplete() {
    return mapsWritten.get() == buckets.length;
  }

  /** The bucket of one reduce partition written by one map partition. */
  List<Pair<K, ?>> bucket(int mapPartition, int reducePartition) {
    return buckets[mapPartition].get(reducePartition);
  }

  /** What one map partition spilled, oldest first. */
  List<SpillFile> spills(int mapPartition) {
    return spills[mapPartition];
  }

  /** Whether some map partition spilled records of this reduce partition to disk. */
  boolean spilled(int reducePartition) {
    for (List<SpillFile> files : spills) {
      for (SpillFile file : files) {
        if (file.hasRecords(reducePartition)) {
          return true;
        }
      }
    }
    return false;
  }

  int numMapPartitions() {
    return buckets.length;
  }
}
