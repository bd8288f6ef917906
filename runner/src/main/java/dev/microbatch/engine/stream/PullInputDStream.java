package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;

/**
 * An input whose batches are read by tasks from a {@link PullSource}, each partition taking its
 * share of the per-batch cap. Each batch's dataset is cached: a source is read once.
 */
final class PullInputDStream<T> extends InputDStream<T> {
  private final PullSource<T> source;

  PullInputDStream(StreamingContext context, String name, PullSource<T> source) {
    super(context, name);
    this.source = source;
  }

  @Override
  protected Dataset<T> compute(long batchTime) {
    int partitions = source.numPartitions();
    long share = maxRecordsPerBatch() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, maxRecordsPerBatch() / partitions);
    return counted(
            context().engine().generate(partitions, (partition, task) -> source.read(partition, batchTime, share)),
            batchTime)
        .cache();
  }

  @Override
  protected void batchCompleted(long batchTime) {
    source.batchCompleted(batchTime);
  }

  @Override
  protected long watermark(long batchTime) {
    return source.watermark(batchTime);
  }

  @Override
  protected void stop() {
    source.close();
  }
}
