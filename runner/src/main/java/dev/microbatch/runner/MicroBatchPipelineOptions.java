package dev.microbatch.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of {@link MicroBatchRunner}. */
public interface MicroBatchPipelineOptions extends PipelineOptions, StreamingOptions {

  @Description(
      "Number of engine task threads, and of partitions per shuffle (default: the number of"
          + " available processors). Must be at least 1.")
  @Default.InstanceFactory(AvailableProcessors.class)
  int getParallelism();

  void setParallelism(int parallelism);

  @Description(
      "If true (the default), Pipeline#run() blocks until the pipeline finishes; otherwise it"
          + " returns at once and PipelineResult#waitUntilFinish() waits.")
  @Default.Boolean(true)
  boolean isBlockOnRun();

  void setBlockOnRun(boolean blockOnRun);

  @Description(
      "Streaming mode: the batch interval in milliseconds. Each interval's input becomes one"
          + " micro-batch. Must be at least 1.")
  @Default.Long(1000)
  long getBatchIntervalMillis();

  void setBatchIntervalMillis(long batchIntervalMillis);

  @Description(
      "Streaming mode: the most records one batch reads from each unbounded source (an unbounded"
          + " Read, or a splittable DoFn); the rest waits in the source for later batches. 0 (the"
          + " default) means no cap.")
  @Default.Long(0)
  long getMaxRecordsPerBatch();

  void setMaxRecordsPerBatch(long maxRecordsPerBatch);

  /** The number of processors this JVM may use. */
  class AvailableProcessors implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
