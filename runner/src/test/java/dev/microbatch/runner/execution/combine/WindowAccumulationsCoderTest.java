package dev.microbatch.runner.execution.combine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The snapshot of a single-pane Combine step comes back with its input watermark and every open
 * window of every key, in order, and the windows restored from it fire the panes they would have
 * fired without the checkpoint.
 */
class WindowAccumulationsCoderTest {
  private static final CombineFn<Long, long[], Long> SUM = Sum.ofLongs();
  private static final TimestampCombiner EARLIEST = TimestampCombiner.EARLIEST;
  private static final IntervalWindow FIRST =
      new IntervalWindow(new Instant(0), new Instant(60_000));
  private static final IntervalWindow SECOND =
      new IntervalWindow(new Instant(60_000), new Instant(120_000));

  @Test
  void roundTripKeepsTheInputWatermarkAndEveryOpenWindow() throws Exception {
    List<WindowAccumulation<String, long[]>> open =
        List.of(
            accumulation("a", FIRST, 1, 10_000, new Instant(0)),
            accumulation("a", SECOND, 2, 70_000, new Instant(0)),
            accumulation("b", FIRST, 3, 20_000, new Instant(30_000)), // behind: no timestamp
            accumulation("c", SECOND, 4, 61_000, new Instant(0)));

    WindowAccumulationsCoder.Snapshot<String, long[]> decoded =
        roundTrip(new WindowAccumulationsCoder.Snapshot<>(new Instant(59_000), open));

    assertEquals(new Instant(59_000), decoded.inputWatermark());
    assertEquals(
        List.of(
            new Seen("a", FIRST, 1, new Instant(10_000)),
            new Seen("a", SECOND, 2, new Instant(70_000)),
            new Seen("b", FIRST, 3, null),
            new Seen("c", SECOND, 4, new Instant(61_000))),
        decoded.windows().stream().map(Seen::of).toList());
  }

  @Test
  void restoredWindowsFireTheSamePanesAsBeforeTheCheckpoint() throws Exception {
    List<WindowAccumulation<String, long[]>> open =
        List.of(
            accumulation("a", FIRST, 5, 30_000, new Instant(0)),
            accumulation("a", SECOND, 6, 90_000, new Instant(0)));
    WindowAccumulationsCoder.Snapshot<String, long[]> decoded =
        roundTrip(new WindowAccumulationsCoder.Snapshot<>(new Instant(50_000), open));

    PartitionWindows<String, long[]> restored = new PartitionWindows<>(SUM, EARLIEST);
    decoded.windows().forEach(window -> restored.add(window.key, window));
    restored.add("a", accumulation("a", FIRST, 10, 20_000, new Instant(0)));

    assertEquals(new Instant(20_000), restored.earliestHold());
    assertEquals(
        List.of(pane(15, 20_000, FIRST), pane(6, 90_000, SECOND)),
        restored.closeBefore(BoundedWindow.TIMESTAMP_MAX_VALUE).stream()
            .map(window -> window.onlyPane(SUM))
            .toList());
  }

  @Test
  void aSnapshotWithoutOpenWindowsKeepsItsWatermark() throws Exception {
    WindowAccumulationsCoder.Snapshot<String, long[]> decoded =
        roundTrip(
            new WindowAccumulationsCoder.Snapshot<>(BoundedWindow.TIMESTAMP_MIN_VALUE, List.of()));

    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, decoded.inputWatermark());
    assertEquals(List.of(), decoded.windows());
  }

  /** What an accumulation holds, comparable. */
  private record Seen(String key, BoundedWindow window, long sum, @Nullable Instant timestamp) {
    static Seen of(WindowAccumulation<String, long[]> accumulation) {
      return new Seen(
          accumulation.key,
          accumulation.window,
          accumulation.accumulator[0],
          accumulation.timestamp);
    }
  }

  /**
   * {@code key}'s value in {@code window}, arrived at the step's output watermark {@code
   * outputWatermark}.
   */
  private static WindowAccumulation<String, long[]> accumulation(
      String key, IntervalWindow window, long value, long timestamp, Instant outputWatermark) {
    return WindowAccumulation.of(
        SUM, EARLIEST, window, KV.of(key, value), new Instant(timestamp), outputWatermark);
  }

  private static WindowedValue<KV<String, Long>> pane(
      long sum, long timestamp, IntervalWindow window) {
    return WindowedValues.of(
        KV.of("a", sum), new Instant(timestamp), window, PaneInfo.ON_TIME_AND_ONLY_FIRING);
  }

  /**
   * {@code snapshot} encoded by one coder and decoded by another, as a restarted pipeline would.
   */
  private static WindowAccumulationsCoder.Snapshot<String, long[]> roundTrip(
      WindowAccumulationsCoder.Snapshot<String, long[]> snapshot) throws Exception {
    return coder().decode(coder().encode(snapshot));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static WindowAccumulationsCoder<String, long[]> coder() throws Exception {
    return new WindowAccumulationsCoder<>(
        StringUtf8Coder.of(),
        (Coder) IntervalWindow.getCoder(),
        SUM.getAccumulatorCoder(CoderRegistry.createDefault(), VarLongCoder.of()));
  }
}
