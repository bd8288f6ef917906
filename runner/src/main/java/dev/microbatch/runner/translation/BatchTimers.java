package dev.microbatch.runner.translation;

import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Time in batch mode: a key's clocks start at now, and once all its input is processed its
 * watermark and clocks jump to the end of time, which makes every timer due.
 */
final class BatchTimers {
  private BatchTimers() {}

  /** Fires one timer. */
  interface Firing {
    void fire(TimerData timer) throws Exception;
  }

  static InMemoryTimerInternals startingNow() {
    InMemoryTimerInternals timers = new InMemoryTimerInternals();
    try {
      timers.advanceProcessingTime(Instant.now());
      timers.advanceSynchronizedProcessingTime(Instant.now());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return timers;
  }

  /**
   * Advances every clock to the end of time and fires what is due, event time first, in
   * timestamp order, until firing sets no new due timer.
   */
  static void advanceToEndOfTime(InMemoryTimerInternals timers, Firing firing) throws Exception {
    timers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    boolean fired = true;
    while (fired) {
      fired = false;
      TimerData timer;
      while ((timer = timers.removeNextEventTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
      while ((timer = timers.removeNextProcessingTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
      while ((timer = timers.removeNextSynchronizedProcessingTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
    }
  }
}
