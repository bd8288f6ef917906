package dev.microbatch.engine.dataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/** The materialized partitions of a cached dataset; each is computed at most once. */
final class PartitionCache<T> {
  private final List<T>[] partitions;
  private final Object[] locks;

  @SuppressWarnings("unchecked")
  PartitionCache(int numPartitions) {
    partitions = new List[numPartitions];
    locks = new Object[numPartitions];
    for (int i = 0; i < numPartitions; i++) {
      locks[i] = new Object();
    }
  }

  Iterator<T> getOrCompute(int partition, Supplier<Iterator<T>> compute) {
    synchronized (locks[partition]) {
      if (partitions[partition] == null) {
        List<T> records = new ArrayList<>();
        compute.get().forEachRemaining(records::add);
        partitions[partition] = records;
      }
      return partitions[partition].iterator();
    }
  }
}
