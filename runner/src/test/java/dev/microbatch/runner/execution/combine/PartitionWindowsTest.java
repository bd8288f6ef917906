package dev.microbatch.runner.execution.combine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A partition's open windows close when the watermark passes their end, and hold the watermark at
 * the earliest output timestamp of those still open, as ReduceFnRunner's timers and holds would.
 */
class PartitionWindowsTest {
  private static final CombineFn<Long, long[], Long> SUM = Sum.ofLongs();
  private static final IntervalWindow FIRST =
      new IntervalWindow(new Instant(0), new Instant(60_000));
  private static final IntervalWindow SECOND =
      new IntervalWindow(new Instant(60_000), new Instant(120_000));

  @Test
  void aWindowClosesWhenTheWatermarkPassesItsEndAndTheHoldMovesToTheWindowsStillOpen() {
    PartitionWindows<String, long[]> windows =
        new PartitionWindows<>(SUM, TimestampCombiner.EARLIEST);
    windows.add("a", accumulation("a", FIRST, 1, 10_000, TimestampCombiner.EARLIEST));
    windows.add("b", accumulation("b", SECOND, 2, 70_000, TimestampCombiner.EARLIEST));
    windows.add("a", accumulation("a", FIRST, 3, 5_000, TimestampCombiner.EARLIEST));

    assertEquals(List.of(), panes(windows.closeBefore(FIRST.maxTimestamp())));
    assertEquals(new Instant(5_000), windows.earliestHold());
    assertEquals(List.of(pane("a", 4, 5_000, FIRST)), panes(windows.closeBefore(FIRST.end())));
    assertEquals(new Instant(70_000), windows.earliestHold());
    assertEquals(
        List.of(pane("b", 2, 70_000, SECOND)),
        panes(windows.closeBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)));
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, windows.earliestHold());
    assertEquals(List.of(), windows.windows());
  }

  @Test
  void underLatestTheHoldFollowsALaterValueOfTheEarliestWindow() {
    PartitionWindows<String, long[]> windows =
        new PartitionWindows<>(SUM, TimestampCombiner.LATEST);
    windows.add("a", accumulation("a", FIRST, 1, 10_000, TimestampCombiner.LATEST));
    windows.add("b", accumulation("b", FIRST, 1, 20_000, TimestampCombiner.LATEST));
    windows.add("a", accumulation("a", FIRST, 1, 30_000, TimestampCombiner.LATEST));

    assertEquals(List.of(), panes(windows.closeBefore(new Instant(40_000))));
    assertEquals(new Instant(20_000), windows.earliestHold());
  }

  private static List<WindowedValue<KV<String, Long>>> panes(
      List<WindowAccumulation<String, long[]>> closed) {
    return closed.stream().map(window -> window.onlyPane(SUM)).toList();
  }

  private static WindowAccumulation<String, long[]> accumulation(
      String key, IntervalWindow window, long value, long timestamp, TimestampCombiner timestamps) {
    return WindowAccumulation.of(
        SUM,
        timestamps,
        window,
        KV.of(key, value),
        new Instant(timestamp),
        BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  private static WindowedValue<KV<String, Long>> pane(
      String key, long sum, long timestamp, IntervalWindow window) {
    return WindowedValues.of(
        KV.of(key, sum), new Instant(timestamp), window, PaneInfo.ON_TIME_AND_ONLY_FIRING);
  }
}
