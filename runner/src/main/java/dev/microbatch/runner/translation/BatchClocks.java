package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import java.util.function.Supplier;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The input watermark and processing time of a keyed transform in the batch being generated.
 * They are fixed on the batch thread once the input's dataset of the batch exists, before the
 * tasks that read them run.
 */
final class BatchClocks {
  private final PCollectionWatermark input;
  private final Supplier<Instant> clock;
  private volatile long batchTime = Long.MIN_VALUE;
  private volatile Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant previousInputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private volatile Instant processingTime;

  BatchClocks(PCollectionWatermark input, Supplier<Instant> clock) {
    this.input = input;
    this.clock = clock;
  }

  /** Passed to the input stream's transform: fixes this batch's clocks, returns {@code input}. */
  <T> Dataset<T> onInputGenerated(Dataset<T> records, long time) {
    previousInputWatermark = inputWatermark;
    inputWatermark = input.after(time);
    processingTime = clock.get();
    batchTime = time;
    return records;
  }

  /** Before the first batch: the input watermark as it was after a batch of an earlier run. */
  void resumeAt(Instant inputWatermark) {
    this.inputWatermark = inputWatermark;
  }

  Instant inputWatermark() {
    return inputWatermark;
  }

  /** The input watermark of the batch before: the one this batch's new records arrive at. */
  Instant previousInputWatermark() {
    return previousInputWatermark;
  }

  Instant processingTime() {
    return processingTime;
  }

  /** The input watermark of {@code time}, which must be the batch being generated. */
  Instant inputWatermark(long time) {
    if (time != batchTime) {
      throw new IllegalStateException("Clocks of batch " + time + " asked during batch " + batchTime);
    }
    return inputWatermark;
  }
}
