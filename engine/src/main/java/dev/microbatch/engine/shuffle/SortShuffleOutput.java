package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The map output of one sort shuffle: for each map partition, its sorted records in memory and the
 * sorted runs it spilled. Each map partition's output is replaced whole (when its task writes it,
 * or when its memory is reclaimed), so a reader that took it once sees every record exactly once.
 */
public final class SortShuffleOutput {
  private final AtomicReferenceArray<MapOutput> outputs;
  private final int numReducePartitions;
  private final AtomicInteger mapsWritten = new AtomicInteger();

  /** What one map task wrote: its sorted records in memory (or none), and its spills. */
  record MapOutput(SortedRecords inMemory, List<SortedRunFile> spills) {}

  public SortShuffleOutput(int numMapPartitions, int numReducePartitions) {
    this.outputs = new AtomicReferenceArray<>(numMapPartitions);
    this.numReducePartitions = numReducePartitions;
  }

  public int numReducePartitions() {
    return numReducePartitions;
  }

  void write(int mapPartition, MapOutput output) {
    if (outputs.getAndSet(mapPartition, output) == null) {
      mapsWritten.incrementAndGet();
    }
  }

  public boolean isComplete() {
    return mapsWritten.get() == outputs.length();
  }

  /** Every key of one reduce partition with its values, in key-hash order. */
  public Iterator<KeyGroup> read(int reducePartition, TaskContext task) {
    List<RecordCursor> runs = new ArrayList<>();
    for (int map = 0; map < outputs.length(); map++) {
      MapOutput output = outputs.get(map);
      for (SortedRunFile spill : output.spills()) {
        if (spill.hasRecords(reducePartition)) {
          runs.add(spill.cursor(reducePartition, task));
        }
      }
      if (output.inMemory() != null && output.inMemory().hasRecords(reducePartition)) {
        runs.add(output.inMemory().cursor(reducePartition));
      }
    }
    return new SortedRunMerge(runs, task);
  }

  /**
   * Writes what map partition {@code mapPartition} holds in memory to a spill file, and replaces
   * its output with one that reads it from there. Readers that took the output before keep it.
   */
  synchronized long spillToDisk(int mapPartition, ShuffleMemory memory) {
    MapOutput current = outputs.get(mapPartition);
    if (current.inMemory() == null) {
      return 0;
    }
    SortedRunFile spill =
        SortedRunFile.write(memory.newSpillFile(), current.inMemory(), numReducePartitions);
    List<SortedRunFile> spills = new ArrayList<>(current.spills());
    spills.add(spill);
    outputs.set(mapPartition, new MapOutput(null, List.copyOf(spills)));
    return spill.sizeBytes();
  }
}
