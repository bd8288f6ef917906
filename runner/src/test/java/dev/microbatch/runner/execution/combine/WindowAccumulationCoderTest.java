package dev.microbatch.runner.execution.combine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A lifted Combine's accumulation of one key in one window comes back from its coder with its key,
 * window, accumulator and output timestamp, or its lack of one, and fires the same pane.
 */
class WindowAccumulationCoderTest {
  private static final CombineFn<Long, long[], Long> SUM = Sum.ofLongs();
  private static final IntervalWindow WINDOW =
      new IntervalWindow(new Instant(60_000), new Instant(120_000));

  @Test
  void roundTripKeepsKeyWindowAccumulatorAndTimestamp() throws Exception {
    WindowAccumulation<String, long[]> accumulation =
        WindowAccumulation.of(
                SUM,
                TimestampCombiner.LATEST,
                WINDOW,
                KV.of("key", 40L),
                new Instant(70_000),
                new Instant(0))
            .add(
                SUM,
                TimestampCombiner.LATEST,
                KV.of("key", 2L),
                new Instant(90_000),
                new Instant(0));

    WindowAccumulation<String, long[]> decoded = roundTrip(coder(), accumulation);

    assertEquals("key", decoded.key);
    assertEquals(WINDOW, decoded.window);
    assertArrayEquals(new long[] {42}, decoded.accumulator);
    assertEquals(new Instant(90_000), decoded.timestamp);
    assertEquals(accumulation.onlyPane(SUM), decoded.onlyPane(SUM));
  }

  @Test
  void anAccumulationBehindTheWatermarkStaysWithoutTimestamp() throws Exception {
    WindowAccumulation<String, long[]> accumulation =
        WindowAccumulation.of(
            SUM,
            TimestampCombiner.EARLIEST,
            WINDOW,
            KV.of("key", 7L),
            new Instant(70_000),
            new Instant(80_000));

    WindowAccumulation<String, long[]> decoded = roundTrip(coder(), accumulation);

    assertNull(decoded.timestamp);
    assertEquals(
        WindowedValues.of(
            KV.of("key", 7L), WINDOW.maxTimestamp(), WINDOW, PaneInfo.ON_TIME_AND_ONLY_FIRING),
        decoded.onlyPane(SUM));
  }

  @Test
  void accumulationsNestedInAListEachComeBack() throws Exception {
    WindowAccumulation<String, long[]> first =
        WindowAccumulation.of(
            SUM,
            TimestampCombiner.EARLIEST,
            WINDOW,
            KV.of("key", 1L),
            new Instant(61_000),
            new Instant(0));
    IntervalWindow earlier = new IntervalWindow(new Instant(0), new Instant(60_000));
    WindowAccumulation<String, long[]> second =
        WindowAccumulation.of(
            SUM,
            TimestampCombiner.EARLIEST,
            earlier,
            KV.of("key", 2L),
            new Instant(1_000),
            new Instant(5_000));

    List<WindowAccumulation<String, long[]>> decoded =
        roundTrip(ListCoder.of(coder()), List.of(first, second));

    assertEquals(2, decoded.size());
    assertEquals(first.onlyPane(SUM), decoded.get(0).onlyPane(SUM));
    assertEquals(second.onlyPane(SUM), decoded.get(1).onlyPane(SUM));
  }

  @Test
  void aSerializedCopyOfTheCoderEqualsItAndDecodesWhatTheCoderEncodes() throws Exception {
    WindowAccumulation<String, long[]> accumulation =
        WindowAccumulation.of(
            SUM,
            TimestampCombiner.EARLIEST,
            WINDOW,
            KV.of("key", 3L),
            new Instant(65_000),
            new Instant(0));
    WindowAccumulationCoder<String, long[]> coder = coder();

    // WindowAccumulation has no equals: compare the encodings of the value and of its copy.
    CoderProperties.structuralValueDecodeEncodeEqual(coder, accumulation);
    CoderProperties.coderSerializable(coder);
    WindowAccumulation<String, long[]> decoded =
        CoderUtils.decodeFromByteArray(
            SerializableUtils.clone(coder), CoderUtils.encodeToByteArray(coder, accumulation));
    assertEquals(accumulation.onlyPane(SUM), decoded.onlyPane(SUM));
  }

  /** A value of the key in {@code window}, as the map side of a lifted Combine folds it. */
  private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static WindowAccumulationCoder<String, long[]> coder() throws Exception {
    return new WindowAccumulationCoder<>(
        StringUtf8Coder.of(),
        (Coder) IntervalWindow.getCoder(),
        SUM.getAccumulatorCoder(CoderRegistry.createDefault(), VarLongCoder.of()));
  }
}
