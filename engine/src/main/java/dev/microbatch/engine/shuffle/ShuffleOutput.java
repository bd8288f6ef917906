package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The map output of one shuffle: for each map partition, one in-memory bucket of key/value pairs
 * per reduce partition, and the files it spilled. Each map partition's output is replaced whole
 * (when its task writes it, or when its memory is reclaimed), so a reader that took it once sees
 * every record exactly once.
 */
public final class ShuffleOutput<K> {
  private final AtomicReferenceArray<MapOutput<K>> outputs;
  private final int numReducePartitions;
  private final AtomicInteger mapsWritten = new AtomicInteger();

  /** What one map task wrote: its in-memory buckets, one per reduce partition, and its spills. */
  public record MapOutput<K>(List<List<Pair<K, ?>>> buckets, List<SpillFile> spills) {
    /** Whether some spill holds records of the reduce partition. */
    public boolean spilled(int reducePartition) {
      return spills.stream().anyMatch(spill -> spill.hasRecords(reducePartition));
    }
  }

  public ShuffleOutput(int numMapPartitions, int numReducePartitions) {
    this.outputs = new AtomicReferenceArray<>(numMapPartitions);
    this.numReducePartitions = numReducePartitions;
  }

  public int numReducePartitions() {
    return numReducePartitions;
  }

  int bucketOf(Object key) {
    int h = Objects.hashCode(key);
    return Math.floorMod(h ^ (h >>> 16), numReducePartitions);
  }

  List<List<Pair<K, ?>>> newBuckets() {
    List<List<Pair<K, ?>>> rows = new ArrayList<>(numReducePartitions);
    for (int i = 0; i < numReducePartitions; i++) {
      rows.add(new ArrayList<>());
    }
    return rows;
  }

  void write(int mapPartition, MapOutput<K> output) {
    if (outputs.getAndSet(mapPartition, output) == null) {
      mapsWritten.incrementAndGet();
    }
  }

  public boolean isComplete() {
    return mapsWritten.get() == outputs.length();
  }

  /** Every map partition's output as it is now. */
  public List<MapOutput<K>> mapOutputs() {
    List<MapOutput<K>> all = new ArrayList<>(outputs.length());
    for (int map = 0; map < outputs.length(); map++) {
      all.add(outputs.get(map));
    }
    return all;
  }

  /**
   * Writes what map partition {@code mapPartition} holds in memory to a spill file, and replaces
   * its output with one that reads it from there. Readers that took the output before keep it.
   */
  synchronized long spillToDisk(int mapPartition, ShuffleCodec<K, ?> codec, ShuffleMemory memory) {
    MapOutput<K> current = outputs.get(mapPartition);
    if (current.buckets().stream().allMatch(List::isEmpty)) {
      return 0;
    }
    SpillFile spill = SpillFile.write(memory.newSpillFile(), current.buckets(), codec);
    List<SpillFile> spills = new ArrayList<>(current.spills());
    spills.add(spill);
    outputs.set(mapPartition, new MapOutput<>(newBuckets(), List.copyOf(spills)));
    return spill.sizeBytes();
  }
}
