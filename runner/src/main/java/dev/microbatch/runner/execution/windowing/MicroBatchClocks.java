package dev.microbatch.runner.execution.windowing;

import dev.microbatch.engine.dataset.Dataset;
import java.util.function.Supplier;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The input watermark and processing time of a keyed transform in the batch being generated, and
 * its output watermark after the batch before. They are fixed on the batch thread once the input's
 * dataset of the batch exists, before the tasks that read them run.
 */
@Internal
public final class MicroBatchClocks {
  private final PCollectionWatermark input;
  private final Supplier<Instant> clock;
  private volatile long batchTime = Long.MIN_VALUE;
  private volatile Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant previousInputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant previousOutputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant processingTime;

  public MicroBatchClocks(PCollectionWatermark input, Supplier<Instant> clock) {
    this.input = input;
    this.clock = clock;
  }

  /** Passed to the input stream's transform: fixes this batch's clocks, returns {@code input}. */
  public <T> Dataset<T> onInputGenerated(Dataset<T> records, long time) {
    previousInputWatermark = inputWatermark;
    previousOutputWatermark = outputWatermark;
    inputWatermark = input.after(time);
    processingTime = clock.get();
    batchTime = time;
    return records;
  }

  /** Before the first batch: the input watermark as it was after a batch of an earlier run. */
  public void resumeAt(Instant inputWatermark) {
    this.inputWatermark = inputWatermark;
  }

  public Instant inputWatermark() {
    return inputWatermark;
  }

  /** The input watermark of the batch before: the one this batch's new records arrive at. */
  public Instant previousInputWatermark() {
    return previousInputWatermark;
  }

  /** Records the step's output watermark after a batch, as it was computed. */
  void outputWatermarkComputed(Instant watermark) {
    outputWatermark = watermark;
  }

  /**
   * The step's output watermark after the batch before, as last computed (the start of time until
   * it is): what Beam's timer internals call the current output watermark while this batch's values
   * arrive. A value whose output timestamp would be behind it holds nothing and gives its pane no
   * timestamp, as in ReduceFnRunner's WatermarkHold, lest the pane come out late.
   */
  public Instant previousOutputWatermark() {
    return previousOutputWatermark;
  }

  public Instant processingTime() {
    return processingTime;
  }

  /** The input watermark of {@code time}, which must be the batch being generated. */
  public Instant inputWatermark(long time) {
    if (time != batchTime) {
      throw new IllegalStateException(
          "Clocks of batch " + time + " asked during batch " + batchTime);
    }
    return inputWatermark;
  }
}
