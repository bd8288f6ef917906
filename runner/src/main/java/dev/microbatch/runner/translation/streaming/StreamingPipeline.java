package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.scheduler.JobCancelledException;
import dev.microbatch.engine.scheduler.JobListener;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.translation.ExecutablePipeline;
import java.util.Map;
import org.apache.beam.sdk.annotations.Internal;
import org.joda.time.Instant;

/** A pipeline turned into streams: runs batch after batch until stopped or done. */
@Internal
public final class StreamingPipeline implements ExecutablePipeline {
  private final StreamingContext streaming;
  private final Runnable end;
  private volatile boolean cancelled;
  private volatile Map<String, Instant> watermarks = Map.of();

  /**
   * @param end cleans up once the pipeline has ended
   */
  StreamingPipeline(StreamingContext streaming, Runnable end) {
    this.streaming = streaming;
    this.end = end;
  }

  /** Every PCollection's watermark after the last completed batch, by the PCollection's name. */
  public Map<String, Instant> watermarks() {
    return watermarks;
  }

  void watermarksAre(Map<String, Instant> afterLastBatch) {
    watermarks = Map.copyOf(afterLastBatch);
  }

  @Override
  public void addJobListener(JobListener listener) {
    streaming.engine().addJobListener(listener);
  }

  public void addListener(StreamingListener listener) {
    streaming.addListener(listener);
  }

  @Override
  public void execute() throws InterruptedException {
    if (!streaming.hasOutputOperations()) {
      // a pipeline with nothing to compute (Beam allows an empty one) ends at once, as on the
      // DirectRunner; the engine, like Spark Streaming, would refuse to start
      end.run();
      return;
    }
    try {
      streaming.start();
      streaming.awaitTermination();
    } finally {
      end.run();
    }
    if (cancelled) {
      throw new JobCancelledException("The pipeline was cancelled");
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    streaming.stop(false);
  }
}
