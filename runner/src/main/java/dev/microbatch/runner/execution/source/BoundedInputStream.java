package dev.microbatch.runner.execution.source;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.InputDStream;
import dev.microbatch.engine.stream.StreamingContext;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Bounded data in streaming mode (an Impulse, a bounded Read): all of it in the first batch. Its
 * watermark reaches the end of time one batch later, so that what the data sets off downstream (a
 * stateful DoFn's timers, a processing-time trigger) gets a batch of its own before every window
 * closes, as on a runner where the watermark follows the data. A checkpoint keeps whether the data
 * went out: a job resumed after it does not read it again.
 */
@Internal
public final class BoundedInputStream<T> extends InputDStream<WindowedValue<T>>
    implements CheckpointedState {
  private final Dataset<WindowedValue<T>> data;
  private long firstBatch = -1;
  private boolean readBeforeRestart;

  public BoundedInputStream(StreamingContext context, String name, Dataset<WindowedValue<T>> data) {
    super(context, name);
    this.data = data;
  }

  /** Bounded data is read whole, outside any record budget. */
  @Override
  public boolean isRateLimited() {
    return false;
  }

  @Override
  protected Dataset<WindowedValue<T>> compute(long batchTime) {
    if (firstBatch >= 0 || readBeforeRestart) {
      return context().engine().empty();
    }
    firstBatch = batchTime;
    return counted(data, batchTime);
  }

  @Override
  protected long watermark(long batchTime) {
    return watermarkAfter(batchTime).getMillis();
  }

  public Instant watermarkAfter(long batchTime) {
    return readBeforeRestart || (firstBatch >= 0 && batchTime > firstBatch)
        ? BoundedWindow.TIMESTAMP_MAX_VALUE
        : BoundedWindow.TIMESTAMP_MIN_VALUE;
  }

  @Override
  public byte[] snapshot(long batchTime) {
    return new byte[] {(byte) (firstBatch >= 0 || readBeforeRestart ? 1 : 0)};
  }

  @Override
  public void restore(byte[] snapshot) {
    readBeforeRestart = snapshot[0] == 1;
  }
}
