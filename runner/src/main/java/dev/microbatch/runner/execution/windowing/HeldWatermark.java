package dev.microbatch.runner.execution.windowing;

import dev.microbatch.engine.stream.DStream;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
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

  /** Over the state stream {@code keys}, each record's hold found by {@code holdOf}. */
  public static <T> HeldWatermark overKeys(
      MicroBatchClocks clocks, DStream<T> keys, Function<T, Instant> holdOf) {
    return new HeldWatermark(
        clocks,
        batchTime ->
            keys.getOrCompute(batchTime)
                .mapPartitions((it, task) -> List.of(earliest(it, holdOf)).iterator())
                .collect());
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

  private static <T> Instant earliest(Iterator<T> keys, Function<T, Instant> holdOf) {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    while (keys.hasNext()) {
      Instant hold = holdOf.apply(keys.next());
      if (hold.isBefore(earliest)) {
        earliest = hold;
      }
    }
    return earliest;
  }
}
