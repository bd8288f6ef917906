package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Dependency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** What the tasks of a stage do with the records of their partition. */
interface StageSink {
  void consume(int partition, Iterator<?> records, TaskContext task);

  /** Called on the driver once every task of the stage has succeeded. */
  default void stageCompleted() {}

  /** Pulls every record and drops it: the action that runs a leaf of the plan. */
  final class Drain implements StageSink {
    @Override
    public void consume(int partition, Iterator<?> records, TaskContext task) {
      records.forEachRemaining(record -> task.checkCancelled());
    }
  }

  /** Collects every record on the driver, partition by partition, and builds a broadcast. */
  final class Collect implements StageSink {
    private final Broadcast<?> broadcast;
    private final List<?>[] partitions;

    Collect(Broadcast<?> broadcast, int numPartitions) {
      this.broadcast = broadcast;
      this.partitions = new List<?>[numPartitions];
    }

    @Override
    public void consume(int partition, Iterator<?> records, TaskContext task) {
      List<Object> list = new ArrayList<>();
      records.forEachRemaining(
          record -> {
            task.checkCancelled();
            list.add(record);
          });
      partitions[partition] = list;
    }

    @Override
    public void stageCompleted() {
      broadcast.complete(Arrays.asList(partitions));
    }
  }

  /** The map side of a shuffle: writes the partition's records as the shuffle's map output. */
  final class ShuffleWrite implements StageSink {
    private final Dependency.Shuffle shuffle;

    ShuffleWrite(Dependency.Shuffle shuffle) {
      this.shuffle = shuffle;
    }

    @Override
    public void consume(int partition, Iterator<?> records, TaskContext task) {
      shuffle.writeMapOutput(partition, records, task);
    }
  }
}
