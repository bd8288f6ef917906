package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.ShuffleDependency;
import dev.microbatch.engine.shuffle.MapOutputBuffer;
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

  /** The map side of a shuffle: buckets the records by key, pre-combining if asked to. */
  final class ShuffleWrite<T, K, V, C> implements StageSink {
    private final ShuffleDependency<T, K, V, C> dependency;

    ShuffleWrite(ShuffleDependency<T, K, V, C> dependency) {
      this.dependency = dependency;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void consume(int partition, Iterator<?> records, TaskContext task) {
      EngineContext context = dependency.parent().context();
      MapOutputBuffer<K, V, C> buffer =
          new MapOutputBuffer<>(dependency, context.shuffleMemory(), context.parallelism(), task);
      try {
        // forEachRemaining: a fused producer may push each record here as it makes it
        ((Iterator<T>) records)
            .forEachRemaining(
                record -> {
                  task.checkCancelled();
                  buffer.add(dependency.keyOf().apply(record), dependency.valueOf().apply(record));
                });
        buffer.finish(partition);
      } finally {
        buffer.releaseReserved(); // none left after finish; what a failed task had
      }
    }
  }
}
