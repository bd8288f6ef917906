package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.BatchClock;
import org.joda.time.Instant;

/**
 * The input watermark and processing time of a keyed transform in the batch being generated.
 * They are fixed on the batch thread once the input's dataset of the batch exists, before the
 * tasks that read them run.
 */
final class BatchClocks {
  private final PCollectionWatermark input;
  private final BatchClock clock;
  private volatile long batchTime = Long.MIN_VALUE;
  private volatile Instant inputWatermark;
  private volatile Instant processingTime;

  BatchClocks(PCollectionWatermark input, BatchClock clock) {
    this.input = input;
    this.clock = clock;
  }

  /** Passed to the input stream's transform: fixes this batch's clocks, returns {@code input}. */
  <T> Dataset<T> onInputGenerated(Dataset<T> records, long time) {
    inputWatermark = input.after(time);
    processingTime = new Instant(clock.currentTimeMillis());
    batchTime = time;
    return records;
  }

  Instant inputWatermark() {
    return inputWatermark;
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
