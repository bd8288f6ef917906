package dev.microbatch.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of {@link MicroBatchRunner}. */
public interface MicroBatchPipelineOptions extends PipelineOptions, StreamingOptions {

  // --parallelism, --batchIntervalMillis and --maxRecordsPerBatch are declared exactly as Beam's
  // Flink and Spark runners declare them (type and default), so that their options and ours can
  // be on one class path, and a pipeline's arguments move between the runners unchanged.

  @Description(
      "Number of engine task threads, and of partitions per shuffle. -1 (the default): the"
          + " number of available processors. Otherwise at least 1.")
  @Default.Integer(-1)
  Integer getParallelism();

  void setParallelism(Integer parallelism);

  @Description(
      "If true (the default), Pipeline#run() blocks until the pipeline finishes; otherwise it"
          + " returns at once and PipelineResult#waitUntilFinish() waits.")
  @Default.Boolean(true)
  boolean isBlockOnRun();

  void setBlockOnRun(boolean blockOnRun);

  @Description(
      "Streaming mode: the batch interval in milliseconds. Each interval's input becomes one"
          + " micro-batch. At least 1; 500 by default.")
  @Default.Long(500)
  Long getBatchIntervalMillis();

  void setBatchIntervalMillis(Long batchIntervalMillis);

  @Description(
      "Streaming mode: the most records one batch reads from each unbounded source (an unbounded"
          + " Read, or a splittable DoFn); the rest waits in the source for later batches. -1 (the"
          + " default) means no cap.")
  @Default.Long(-1)
  Long getMaxRecordsPerBatch();

  void setMaxRecordsPerBatch(Long maxRecordsPerBatch);

  @Description(
      "Streaming mode: a directory for checkpoints. The job writes each source's position and the"
          + " keyed state of its GroupByKeys and stateful DoFns there every"
          + " --checkpointIntervalBatches batches, and a job restarted with the same directory"
          + " resumes after the latest checkpoint. Unset (the default): no checkpoints.")
  // Not "checkpointDir": SparkRunner declares that one with a default of its own (a temporary
  // directory, always used), and Beam refuses two declarations of one option that differ.
  String getCheckpointDirectory();

  void setCheckpointDirectory(String checkpointDirectory);

  @Description(
      "Streaming mode with --checkpointDirectory: write a checkpoint after every this many completed"
          + " batches. At least 1; 10 by default.")
  @Default.Integer(10)
  Integer getCheckpointIntervalBatches();

  void setCheckpointIntervalBatches(Integer checkpointIntervalBatches);

  @Description(
      "Streaming mode: backpressure. After each batch a PID rate estimator (Spark Streaming's) sets"
          + " how many records the next batch reads, from the processing rate and the scheduling"
          + " delay; the unbounded sources share that budget. True by default.")
  @Default.Boolean(true)
  boolean isBackpressure();

  void setBackpressure(boolean backpressure);

  @Description(
      "Streaming mode with backpressure: records per second the first batches read, until the rate"
          + " estimator has measured the job. -1 (the default): no limit until then.")
  @Default.Long(-1)
  Long getInitialRate();

  void setInitialRate(Long initialRate);

  @Description(
      "Streaming mode with backpressure: the rate, in records per second, the estimator never goes"
          + " below. At least 1; 100 by default, as in Spark.")
  @Default.Long(100)
  Long getMinRate();

  void setMinRate(Long minRate);

  @Description(
      "Streaming mode: the most records per second one reader of an unbounded source (a Kafka"
          + " partition, say) reads. -1 (the default): no cap.")
  @Default.Long(-1)
  Long getMaxRatePerReader();

  void setMaxRatePerReader(Long maxRatePerReader);

  @Description(
      "Streaming mode: how long, in milliseconds, a split of an unbounded source may keep failing"
          + " (its reads throwing IOExceptions) before the pipeline fails; until then each batch"
          + " retries it from its last checkpoint mark. At least 0; 60000 by default.")
  @Default.Long(60_000)
  Long getReadRetryWindowMillis();

  void setReadRetryWindowMillis(Long readRetryWindowMillis);

  @Description(
      "Serve the job's status (its transforms, batches, metrics) as JSON on this port of localhost;"
          + " 0 picks a free port, printed at start. -1 (the default): no status server, no port,"
          + " no thread.")
  @Default.Integer(-1)
  Integer getStatusPort();

  void setStatusPort(Integer statusPort);

  @Description(
      "How much memory, in MiB, the map sides of shuffles may hold before they spill to disk"
          + " (counted as the records' encoded size plus 96 bytes a record for the objects that hold"
          + " them). Shared by all tasks; what finished map tasks keep in memory stays counted until"
          + " the job ends or a task short of memory spills it. 0 (the default): a third of the JVM's"
          + " maximum heap.")
  @Default.Long(0)
  Long getShuffleMemoryMb();

  void setShuffleMemoryMb(Long shuffleMemoryMb);

  @Description(
      "Batch mode: show each stage's progress, on one updating line like Spark's when standard"
          + " output is a terminal, else as a log line per completed stage. True by default.")
  @Default.Boolean(true)
  boolean isConsoleProgress();

  void setConsoleProgress(boolean consoleProgress);
}
