package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Iterator;
import java.util.List;

/** A source dataset whose partitions are read by a caller-supplied function. */
final class GeneratedDataset<T> extends Dataset<T> {
  private final int numPartitions;
  private final EngineContext.PartitionReader<T> reader;

  GeneratedDataset(
      EngineContext context, int numPartitions, EngineContext.PartitionReader<T> reader) {
    super(context);
    this.numPartitions = numPartitions;
    this.reader = reader;
  }

  @Override
  public int numPartitions() {
    return numPartitions;
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  protected Iterator<T> compute(int partition, TaskContext task) {
    return reader.read(partition, task);
  }
}
