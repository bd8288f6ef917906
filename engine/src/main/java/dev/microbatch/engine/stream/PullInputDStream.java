package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;

/**
 * An input whose batches are read by tasks from a {@link PullSource}, each partition taking its
 * share of the batch's record limit (at most the context's per-reader cap). Each batch's dataset is
 * cached: a source is read once.
 */
final class PullInputDStream<T> extends InputDStream<T> {
  private final PullSource<T> source;

  PullInputDStream(StreamingContext context, String name, PullSource<T> source) {
    super(context, name);
    this.source = source;
  }

  @Override
  protected Dataset<T> compute(long batchTime) {
    long[] shares = source.shares(recordLimit());
    long perReader = context().maxRecordsPerReader();
    return counted(
            context()
                .engine()
                .generate(
                    shares.length,
                    (partition, task) ->
                        source.read(partition, batchTime, Math.min(shares[partition], perReader))),
            batchTime)
        .cache();
  }

  @Override
  public long backlog() {
    return source.backlog();
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
