package dev.microbatch.runner.execution.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.ImmutableList;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A keyed step's snapshot, encoded and decoded by another coder (as after a restart), gives back
 * its input watermark and each key with what it held: its state cells of every kind in their
 * namespaces, its clocks, its pending timers and its waiting values.
 */
class KeyStateCoderTest {
  private static final IntervalWindow WINDOW =
      new IntervalWindow(new Instant(0), new Instant(60_000));
  private static final StateNamespace GLOBAL = StateNamespaces.global();
  private static final StateNamespace IN_WINDOW =
      StateNamespaces.window(IntervalWindow.getCoder(), WINDOW);
  private static final StateNamespace WINDOW_TRIGGER =
      StateNamespaces.windowAndTrigger(IntervalWindow.getCoder(), WINDOW, 2);

  private static final StateTag<ValueState<String>> VALUE =
      StateTags.value("last", StringUtf8Coder.of());
  private static final StateTag<BagState<Long>> BAG = StateTags.bag("seen", VarLongCoder.of());
  private static final StateTag<CombiningState<Long, long[], Long>> SUM =
      StateTags.combiningValueFromInputInternal("sum", VarLongCoder.of(), Sum.ofLongs());
  private static final StateTag<MapState<String, Long>> MAP =
      StateTags.map("counts", StringUtf8Coder.of(), VarLongCoder.of());
  private static final StateTag<SetState<String>> SET =
      StateTags.set("users", StringUtf8Coder.of());
  private static final StateTag<MultimapState<String, Long>> MULTIMAP =
      StateTags.multimap("visits", StringUtf8Coder.of(), VarLongCoder.of());
  private static final StateTag<OrderedListState<String>> ORDERED =
      StateTags.orderedList("events", StringUtf8Coder.of());
  private static final StateTag<WatermarkHoldState> HOLD =
      StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);

  @Test
  void roundTripKeepsEveryKindOfStateCellInItsNamespace() throws Exception {
    KeyState<String> key = new KeyState<>("k", new Instant(0), new Instant(0));
    key.state().state(GLOBAL, VALUE).write("global");
    key.state().state(IN_WINDOW, VALUE).write("in the window");
    key.state().state(IN_WINDOW, BAG).add(3L);
    key.state().state(IN_WINDOW, BAG).add(3L);
    key.state().state(IN_WINDOW, BAG).add(1L);
    key.state().state(WINDOW_TRIGGER, SUM).add(40L);
    key.state().state(WINDOW_TRIGGER, SUM).add(2L);
    key.state().state(GLOBAL, MAP).put("a", 1L);
    key.state().state(GLOBAL, MAP).put("b", 2L);
    key.state().state(GLOBAL, SET).add("ann");
    key.state().state(GLOBAL, SET).add("bob");
    key.state().state(GLOBAL, MULTIMAP).put("a", 1L);
    key.state().state(GLOBAL, MULTIMAP).put("a", 4L);
    key.state().state(GLOBAL, ORDERED).add(TimestampedValue.of("second", new Instant(2_000)));
    key.state().state(GLOBAL, ORDERED).add(TimestampedValue.of("first", new Instant(1_000)));
    key.state().state(IN_WINDOW, HOLD).add(new Instant(30_000));
    key.state().state(IN_WINDOW, HOLD).add(new Instant(20_000));

    KeyState<String> restored = only(roundTrip(new Instant(0), key));

    assertEquals("global", restored.state().state(GLOBAL, VALUE).read());
    assertEquals("in the window", restored.state().state(IN_WINDOW, VALUE).read());
    assertEquals(
        List.of(3L, 3L, 1L), ImmutableList.copyOf(restored.state().state(IN_WINDOW, BAG).read()));
    assertEquals(42L, restored.state().state(WINDOW_TRIGGER, SUM).read());
    assertEquals(0L, restored.state().state(IN_WINDOW, SUM).read()); // only in its own namespace
    assertEquals(Map.of("a", 1L, "b", 2L), entries(restored.state().state(GLOBAL, MAP)));
    assertThat(restored.state().state(GLOBAL, SET).read(), containsInAnyOrder("ann", "bob"));
    assertEquals(
        List.of(1L, 4L),
        ImmutableList.copyOf(restored.state().state(GLOBAL, MULTIMAP).get("a").read()));
    assertEquals(
        List.of(
            TimestampedValue.of("first", new Instant(1_000)),
            TimestampedValue.of("second", new Instant(2_000))),
        ImmutableList.copyOf(restored.state().state(GLOBAL, ORDERED).read()));
    assertEquals(new Instant(20_000), restored.state().state(IN_WINDOW, HOLD).read());
    assertEquals(new Instant(20_000), restored.earliestHold());
    assertEquals(key.stateInUse().keySet(), restored.stateInUse().keySet());
  }

  @Test
  void roundTripKeepsClocksPendingTimersAndWaitingValues() throws Exception {
    KeyState<String> key = new KeyState<>("k", new Instant(1_000), new Instant(100_000));
    key.timers().advanceInputWatermark(new Instant(5_000));
    key.timers().advanceProcessingTime(new Instant(200_000));
    TimerData endOfWindow =
        TimerData.of(
            "end", IN_WINDOW, WINDOW.maxTimestamp(), new Instant(30_000), TimeDomain.EVENT_TIME);
    TimerData inFamily =
        TimerData.of(
            "t7", "family", GLOBAL, new Instant(10_000), new Instant(9_000), TimeDomain.EVENT_TIME);
    TimerData timeout =
        TimerData.of(
            "timeout",
            GLOBAL,
            new Instant(260_000),
            new Instant(8_000),
            TimeDomain.PROCESSING_TIME);
    TimerData continuation =
        TimerData.of(
            WINDOW_TRIGGER,
            new Instant(210_000),
            new Instant(210_000),
            TimeDomain.SYNCHRONIZED_PROCESSING_TIME);
    for (TimerData timer : List.of(endOfWindow, inFamily, timeout, continuation)) {
      key.timers().setTimer(timer);
    }
    List<WindowedValue<?>> waiting =
        List.of(
            WindowedValues.of(KV.of("k", 3L), new Instant(12_000), WINDOW, PaneInfo.NO_FIRING),
            WindowedValues.of(
                KV.of("k", 4L),
                new Instant(11_000),
                WINDOW,
                PaneInfo.createPane(false, false, PaneInfo.Timing.LATE, 2, 1)));
    key.waiting().addAll(waiting);

    KeyStateCoder.Snapshot<String> restoredSnapshot = roundTrip(new Instant(6_000), key);
    KeyState<String> restored = only(restoredSnapshot);

    assertEquals(new Instant(6_000), restoredSnapshot.inputWatermark());
    assertEquals("k", restored.key());
    assertEquals(new Instant(5_000), restored.timers().currentInputWatermarkTime());
    assertEquals(new Instant(200_000), restored.timers().currentProcessingTime());
    assertEquals(
        Set.of(endOfWindow, inFamily, timeout, continuation), Set.copyOf(restored.pendingTimers()));
    assertEquals(new Instant(8_000), restored.earliestHoldOrTimerOutput());
    assertEquals(waiting, restored.waiting());
    assertEquals(new Instant(11_000), restored.earliestWaiting());

    restored.timers().advanceInputWatermark(new Instant(20_000));
    assertEquals(inFamily, restored.timers().removeNextEventTimer());
    assertNull(restored.timers().removeNextEventTimer());
    restored.timers().advanceProcessingTime(new Instant(300_000));
    assertEquals(timeout, restored.timers().removeNextProcessingTimer());
  }

  @Test
  void keysSharingTagsKeepTheirOwnStateAndTimers() throws Exception {
    KeyState<String> a = new KeyState<>("a", new Instant(0), new Instant(0));
    a.state().state(IN_WINDOW, VALUE).write("a's");
    a.state().state(IN_WINDOW, BAG).add(1L);
    KeyState<String> b = new KeyState<>("b", new Instant(0), new Instant(0));
    b.state().state(IN_WINDOW, SUM).add(5L);
    b.state().state(IN_WINDOW, BAG).add(2L);
    b.state().state(IN_WINDOW, BAG).add(3L);
    KeyState<String> c = new KeyState<>("c", new Instant(0), new Instant(0));
    TimerData timer =
        TimerData.of("only", GLOBAL, new Instant(9_000), new Instant(9_000), TimeDomain.EVENT_TIME);
    c.timers().setTimer(timer);

    List<KeyState<String>> restored = roundTrip(new Instant(0), a, b, c).keys();

    assertEquals(List.of("a", "b", "c"), restored.stream().map(KeyState::key).toList());
    assertEquals("a's", restored.get(0).state().state(IN_WINDOW, VALUE).read());
    assertEquals(
        List.of(1L), ImmutableList.copyOf(restored.get(0).state().state(IN_WINDOW, BAG).read()));
    assertEquals(0L, restored.get(0).state().state(IN_WINDOW, SUM).read());
    assertEquals(5L, restored.get(1).state().state(IN_WINDOW, SUM).read());
    assertEquals(
        List.of(2L, 3L),
        ImmutableList.copyOf(restored.get(1).state().state(IN_WINDOW, BAG).read()));
    assertNull(restored.get(1).state().state(IN_WINDOW, VALUE).read());
    assertEquals(List.of(), ImmutableList.copyOf(restored.get(1).pendingTimers()));
    assertEquals(Map.of(), restored.get(2).stateInUse());
    assertEquals(List.of(timer), ImmutableList.copyOf(restored.get(2).pendingTimers()));
  }

  /** {@code keys} encoded by one coder and decoded by another, as a restarted pipeline would. */
  @SafeVarargs
  private static KeyStateCoder.Snapshot<String> roundTrip(
      Instant inputWatermark, KeyState<String>... keys) throws Exception {
    byte[] bytes = coder().encode(new KeyStateCoder.Snapshot<>(inputWatermark, List.of(keys)));
    return coder().decode(bytes);
  }

  private static KeyStateCoder<String> coder() {
    return new KeyStateCoder<>(
        StringUtf8Coder.of(),
        KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()),
        IntervalWindow.getCoder());
  }

  private static KeyState<String> only(KeyStateCoder.Snapshot<String> snapshot) {
    assertEquals(1, snapshot.keys().size());
    return snapshot.keys().get(0);
  }

  private static Map<String, Long> entries(MapState<String, Long> map) {
    Map<String, Long> entries = new HashMap<>();
    map.entries().read().forEach(e -> entries.put(e.getKey(), e.getValue()));
    return entries;
  }
}
