package dev.microbatch.runner.execution.source;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The processing time of a pipeline with a TestStream: it starts at the beginning of time and moves
 * only when the TestStream advances it, as the DirectRunner's TestClock does.
 */
@Internal
public final class TestStreamClock {
  private volatile Instant now = BoundedWindow.TIMESTAMP_MIN_VALUE;

  public Instant now() {
    return now;
  }

  /** Called on the batch thread only. */
  void advance(Duration amount) {
    now = now.plus(amount);
  }
}
