package dev.microbatch.runner.execution.windowing;

import java.util.List;
import java.util.function.LongFunction;
import org.apache.beam.sdk.annotations.Internal;
import org.joda.time.Instant;

/**
 * The output watermark of a keyed transform: its input watermark, held back by the earliest
 * watermark hold of any key after the batch. Computed once per batch from the earliest hold of each
 * partition of the keys' state.
 */
@Internal
public final class HeldWatermark implements PCollectionWatermark {
  private final MicroBatchClocks clocks;
  private final LongFunction<List<Instant>> holdsAfter;
  private long computedFor = Long.MIN_VALUE;
  private Instant value;

  /** Held back by {@code holdsAfter(batchTime)}, the earliest holds of the partitions. */
  public HeldWatermark(MicroBatchClocks clocks, LongFunction<List<Instant>> holdsAfter) {
    this.clocks = clocks;
    this.holdsAfter = holdsAfter;
  }

  @Override
  public Instant after(long batchTime) {
    if (computedFor != batchTime) {
      Instant min = clocks.inputWatermark(batchTime);
      for (Instant hold : holdsAfter.apply(batchTime)) {
        if (hold.isBefore(min)) {
          min = hold;
        }
      }
      value = min;
      computedFor = batchTime;
      clocks.outputWatermarkComputed(min);
    }
    return value;
  }
}
