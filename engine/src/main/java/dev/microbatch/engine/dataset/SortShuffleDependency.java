package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.RecordSerializer;
import dev.microbatch.engine.shuffle.SortShuffleOutput;
import dev.microbatch.engine.shuffle.SortShuffleWriter;
import java.util.Iterator;

/**
 * A sort shuffle: the parent's records are serialized, hash-partitioned by their key's bytes and
 * sorted, as Spark's sort shuffle does; the child reads each key's values as bytes.
 */
public final class SortShuffleDependency<T> implements Dependency.Shuffle {
  private final Dataset<T> parent;
  private final RecordSerializer<T> serializer;
  private final SortShuffleOutput output;

  SortShuffleDependency(Dataset<T> parent, RecordSerializer<T> serializer, int numPartitions) {
    this.parent = parent;
    this.serializer = serializer;
    this.output = new SortShuffleOutput(parent.numPartitions(), numPartitions);
  }

  @Override
  public Dataset<T> parent() {
    return parent;
  }

  @Override
  public boolean isComplete() {
    return output.isComplete();
  }

  SortShuffleOutput output() {
    return output;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void writeMapOutput(int partition, Iterator<?> records, TaskContext task) {
    EngineContext context = parent.context();
    SortShuffleWriter<T> writer =
        new SortShuffleWriter<>(
            serializer, output, context.shuffleMemory(), context.parallelism(), task);
    try {
      // forEachRemaining: a fused producer may push each record here as it makes it
      ((Iterator<T>) records)
          .forEachRemaining(
              record -> {
                task.checkCancelled();
                writer.add(record);
              });
      writer.finish(partition);
    } finally {
      writer.releaseReserved(); // none left after finish; what a failed task had
    }
  }
}
