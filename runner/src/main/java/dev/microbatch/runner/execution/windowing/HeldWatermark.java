package dev.microbatch.runner.execution.windowing;

import dev.microbatch.engine.stream.DStream;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The output watermark of a keyed transform: its input watermark, held back by the earliest
 * watermark hold of any key after the batch. Computed once per batch, each partition of the keys'
 * state finding its own earliest hold.
 */
@Internal
public final class HeldWatermark<T> implements PCollectionWatermark {
  private final MicroBatchClocks clocks;
  private final DStream<T> keys;
  private final Function<T, Instant> holdOf;
  private long computedFor = Long.MIN_VALUE;
  private Instant value;

  /** Over the state stream {@code keys}, each record's hold found by {@code holdOf}. */
  public HeldWatermark(MicroBatchClocks clocks, DStream<T> keys, Function<T, Instant> holdOf) {
    this.clocks = clocks;
    this.keys = keys;
    this.holdOf = holdOf;
  }

  @Override
  public Instant after(long batchTime) {
    if (computedFor != batchTime) {
      Instant min = clocks.inputWatermark(batchTime);
      for (Instant hold :
          keys.getOrCompute(batchTime).mapPartitions((it, task) -> earliest(it)).collect()) {
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

  private Iterator<Instant> earliest(Iterator<T> keys) {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    while (keys.hasNext()) {
      Instant hold = holdOf.apply(keys.next());
      if (hold.isBefore(earliest)) {
        earliest = hold;
      }
    }
    return List.of(earliest).iterator();
  }
}
