package dev.microbatch.runner.execution.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The clocks of one key. In batch mode they start at now and, once all the key's input is
 * processed, jump to the end of time, which makes every timer due; in streaming mode they advance
 * to each batch's watermark and processing time.
 */
@Internal
public final class KeyTimers {
  private KeyTimers() {}

  /** Fires one timer. */
  interface Firing {
    void fire(TimerData timer) throws Exception;
  }

  /** Fires timers that are due together. */
  interface GroupFiring {
    void fire(List<TimerData> timers) throws Exception;
  }

  static OutputHoldingTimerInternals startingAt(Instant inputWatermark, Instant processingTime) {
    OutputHoldingTimerInternals timers = new OutputHoldingTimerInternals();
    try {
      timers.advanceInputWatermark(inputWatermark);
      timers.advanceProcessingTime(processingTime);
      timers.advanceSynchronizedProcessingTime(processingTime);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return timers;
  }

  static void advanceToEndOfTime(InMemoryTimerInternals timers, Firing firing) throws Exception {
    advanceTo(timers, BoundedWindow.TIMESTAMP_MAX_VALUE, BoundedWindow.TIMESTAMP_MAX_VALUE, firing);
  }

  /**
   * Moves the timers' output watermark up to {@code outputWatermark}, never back: the step's, as it
   * stood when the batch's values arrived (ReduceFnRunner's holds ask it).
   */
  static void advanceOutputWatermark(InMemoryTimerInternals timers, Instant outputWatermark) {
    Instant current = timers.currentOutputWatermarkTime();
    if (current == null || outputWatermark.isAfter(current)) {
      timers.advanceOutputWatermark(outputWatermark); // Beam clips it to the input watermark
    }
  }

  /** Advances the processing-time clocks (never backwards) without firing anything. */
  public static void advanceProcessingTime(InMemoryTimerInternals timers, Instant processingTime)
      throws Exception {
    if (processingTime.isAfter(timers.currentProcessingTime())) {
      timers.advanceProcessingTime(processingTime);
      timers.advanceSynchronizedProcessingTime(processingTime);
    }
  }

  /**
   * Advances the input watermark and the processing-time clocks (never backwards) and fires what is
   * due, event time first, in timestamp order, until firing sets no new due timer.
   */
  static void advanceTo(
      InMemoryTimerInternals timers, Instant inputWatermark, Instant processingTime, Firing firing)
      throws Exception {
    advanceClocks(timers, inputWatermark, processingTime);
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

  /**
   * Like {@link #advanceTo(InMemoryTimerInternals, Instant, Instant, Firing)}, but hands every
   * timer due at once over together, as the DirectRunner hands a key's timers to
   * ReduceFnRunner#onTimers: a window whose end-of-window and garbage-collection timers are both
   * due then fires one final pane, not a second, empty one after its state is gone.
   */
  static void advanceToFiringTogether(
      InMemoryTimerInternals timers,
      Instant inputWatermark,
      Instant processingTime,
      GroupFiring firing)
      throws Exception {
    advanceClocks(timers, inputWatermark, processingTime);
    List<TimerData> due;
    while (!(due = removeDue(timers, true)).isEmpty()) {
      firing.fire(due);
    }
  }

  /**
   * Fires the synchronized processing-time timers that came due since the batch before (the clocks
   * are already at this batch's processing time), before the batch's new values run. Such a timer
   * is a continuation trigger waiting for an upstream pane to be complete, and that pane came in an
   * earlier batch than the new values: they belong to the next pane.
   */
  static void fireDueSynchronizedProcessingTimers(InMemoryTimerInternals timers, GroupFiring firing)
      throws Exception {
    List<TimerData> due = removeDue(timers, false);
    if (!due.isEmpty()) {
      firing.fire(due);
    }
  }

  /**
   * Takes the due timers, each domain in timestamp order: event time and processing time (only with
   * {@code allDomains}), then synchronized processing time.
   */
  private static List<TimerData> removeDue(InMemoryTimerInternals timers, boolean allDomains) {
    List<TimerData> due = new ArrayList<>();
    TimerData timer;
    while (allDomains && (timer = timers.removeNextEventTimer()) != null) {
      due.add(timer);
    }
    while (allDomains && (timer = timers.removeNextProcessingTimer()) != null) {
      due.add(timer);
    }
    while ((timer = timers.removeNextSynchronizedProcessingTimer()) != null) {
      due.add(timer);
    }
    return due;
  }

  /**
   * Advances the input watermark and the processing-time clocks (never backwards) without firing
   * anything; a key that sat out batches, where nothing of it came due, catches up with them so.
   */
  static void advanceClocks(
      InMemoryTimerInternals timers, Instant inputWatermark, Instant processingTime)
      throws Exception {
    if (inputWatermark.isAfter(timers.currentInputWatermarkTime())) {
      timers.advanceInputWatermark(inputWatermark);
    }
    advanceProcessingTime(timers, processingTime);
  }
}
