package dev.microbatch.runner.execution.source;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.InputDStream;
import dev.microbatch.engine.stream.StreamingContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * A TestStream played one event per batch: an element event is that batch's input, a watermark
 * event sets the watermark after that batch, a processing-time event advances the pipeline's {@link
 * TestStreamClock} before the batch runs; once played out, the watermark is the end of time. Each
 * batch runs to the end before the next event, so the pipeline sees every event's consequences
 * before the next one, deterministically.
 */
@Internal
public final class TestStreamInput<T> extends InputDStream<WindowedValue<T>> {
  private final List<TestStream.Event<T>> events;
  private final TestStreamClock clock;
  private int next;
  private long generated = Long.MIN_VALUE;
  private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  public TestStreamInput(
      StreamingContext context, String name, TestStream<T> stream, TestStreamClock clock) {
    super(context, name);
    this.events = stream.getEvents();
    this.clock = clock;
  }

  /** Bounded data is read whole, outside any record budget. */
  @Override
  public boolean isRateLimited() {
    return false;
  }

  @Override
  protected Dataset<WindowedValue<T>> compute(long batchTime) {
    generated = batchTime;
    if (next == events.size()) {
      // Played out: nothing holds the watermark any more (as on the DirectRunner, where the
      // TestStream's next event is what holds it).
      watermark = BoundedWindow.TIMESTAMP_MAX_VALUE;
      return context().engine().empty();
    }
    TestStream.Event<T> event = events.get(next++);
    if (event instanceof TestStream.WatermarkEvent<T> advance) {
      watermark = advance.getWatermark();
      return context().engine().empty();
    }
    if (event instanceof TestStream.ProcessingTimeEvent<T> advance) {
      clock.advance(advance.getProcessingTimeAdvance());
      return context().engine().empty();
    }
    List<WindowedValue<T>> records = new ArrayList<>();
    for (TimestampedValue<T> element : ((TestStream.ElementEvent<T>) event).getElements()) {
      records.add(
          WindowedValues.timestampedValueInGlobalWindow(
              element.getValue(), element.getTimestamp()));
    }
    return counted(context().engine().parallelize(records, context().parallelism()), batchTime);
  }

  @Override
  protected long watermark(long batchTime) {
    return watermarkAfter(batchTime).getMillis();
  }

  /** The watermark after {@code batchTime}, which must be the batch generated last. */
  public Instant watermarkAfter(long batchTime) {
    if (batchTime != generated) {
      throw new IllegalStateException(
          "Watermark of batch " + batchTime + " asked after batch " + generated);
    }
    return watermark;
  }
}
