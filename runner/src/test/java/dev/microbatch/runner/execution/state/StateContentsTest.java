package dev.microbatch.runner.execution.state;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CombineFnUtil;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.ImmutableList;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each kind of state cell, encoded with its StateSpec's coders and decoded into a new, empty cell
 * of the same tag, reads back as it did; a spec without a coder is refused with a clear error.
 */
class StateContentsTest {
  private final InMemoryStateInternals<String> state = InMemoryStateInternals.forKey("key");

  @Test
  void valueCellKeepsItsValue() throws Exception {
    StateTag<ValueState<String>> tag = StateTags.value("last", StringUtf8Coder.of());
    cell(tag).write("é, the last one");

    assertEquals("é, the last one", restored(tag).read());
  }

  @Test
  void bagCellKeepsItsElementsInOrderWithDuplicates() throws Exception {
    StateTag<BagState<Long>> tag = StateTags.bag("seen", VarLongCoder.of());
    for (long element : new long[] {3, 1, 3, -7}) {
      cell(tag).add(element);
    }

    assertEquals(List.of(3L, 1L, 3L, -7L), ImmutableList.copyOf(restored(tag).read()));
  }

  @Test
  void setCellKeepsItsElements() throws Exception {
    StateTag<SetState<String>> tag = StateTags.set("users", StringUtf8Coder.of());
    cell(tag).add("ann");
    cell(tag).add("bob");
    cell(tag).add("ann");

    SetState<String> restored = restored(tag);
    assertThat(restored.read(), containsInAnyOrder("ann", "bob"));
    assertEquals(true, restored.contains("bob").read());
  }

  @Test
  void mapCellKeepsItsEntries() throws Exception {
    StateTag<MapState<String, Long>> tag =
        StateTags.map("counts", StringUtf8Coder.of(), VarLongCoder.of());
    cell(tag).put("a", 1L);
    cell(tag).put("b", 2L);
    cell(tag).put("a", 5L);

    MapState<String, Long> restored = restored(tag);
    Map<String, Long> entries = new HashMap<>();
    restored.entries().read().forEach(e -> entries.put(e.getKey(), e.getValue()));
    assertEquals(Map.of("a", 5L, "b", 2L), entries);
    assertEquals(2L, restored.get("b").read());
  }

  @Test
  void multimapCellKeepsEveryValueOfAKey() throws Exception {
    StateTag<MultimapState<String, Long>> tag =
        StateTags.multimap("visits", StringUtf8Coder.of(), VarLongCoder.of());
    cell(tag).put("a", 1L);
    cell(tag).put("b", 2L);
    cell(tag).put("a", 3L);

    MultimapState<String, Long> restored = restored(tag);
    assertEquals(List.of(1L, 3L), ImmutableList.copyOf(restored.get("a").read()));
    assertEquals(List.of(2L), ImmutableList.copyOf(restored.get("b").read()));
    assertThat(restored.keys().read(), containsInAnyOrder("a", "b"));
  }

  @Test
  void orderedListCellKeepsItsValuesWithTheirTimestamps() throws Exception {
    StateTag<OrderedListState<String>> tag = StateTags.orderedList("events", StringUtf8Coder.of());
    cell(tag).add(TimestampedValue.of("late", new Instant(3_000)));
    cell(tag).add(TimestampedValue.of("early", new Instant(1_000)));
    cell(tag).add(TimestampedValue.of("again", new Instant(3_000)));

    assertEquals(
        List.of(
            TimestampedValue.of("early", new Instant(1_000)),
            TimestampedValue.of("late", new Instant(3_000)),
            TimestampedValue.of("again", new Instant(3_000))),
        ImmutableList.copyOf(restored(tag).read()));
  }

  @Test
  void combiningCellKeepsItsAccumulatorNotJustItsOutput() throws Exception {
    assertMeanKeepsItsCountAndSum(Mean.of());
  }

  @Test
  void combiningCellWithContextKeepsItsAccumulator() throws Exception {
    StateTag<CombiningState<Long, long[], Long>> tag =
        StateTags.combiningValueWithContext(
            "sum",
            Sum.ofLongs().getAccumulatorCoder(CoderRegistry.createDefault(), VarLongCoder.of()),
            CombineFnUtil.toFnWithContext(Sum.ofLongs()));
    cell(tag).add(40L);
    cell(tag).add(2L);

    assertEquals(42L, restored(tag).read());
  }

  @Test
  void watermarkHoldKeepsItsHold() throws Exception {
    StateTag<WatermarkHoldState> tag =
        StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);
    cell(tag).add(new Instant(30_000));
    cell(tag).add(new Instant(20_000));

    WatermarkHoldState restored = restored(tag);
    assertEquals(new Instant(20_000), restored.read());
    restored.add(new Instant(25_000)); // still combined with its own TimestampCombiner
    assertEquals(new Instant(20_000), restored.read());
  }

  @Test
  void aSpecWithoutACoderCannotBeCheckpointed() {
    List<StateSpec<?>> specs = List.of(StateSpecs.value(), StateSpecs.bag(), StateSpecs.map());
    for (StateSpec<?> spec : specs) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> StateContents.of(StateTags.tagForSpec("uncoded", spec)));
      assertThat(e.getMessage(), containsString("State uncoded has no coder"));
    }
  }

  private <AccumT> void assertMeanKeepsItsCountAndSum(CombineFn<Long, AccumT, Double> mean)
      throws Exception {
    StateTag<CombiningState<Long, AccumT, Double>> tag =
        StateTags.combiningValueFromInputInternal("mean", VarLongCoder.of(), mean);
    cell(tag).add(1L);
    cell(tag).add(2L);
    cell(tag).add(3L);

    CombiningState<Long, AccumT, Double> restored = restored(tag);
    assertEquals(2.0, restored.read());
    restored.add(6L); // the mean of 1, 2, 3 and 6: the count and the sum came back
    assertEquals(3.0, restored.read());
  }

  private <StateT extends State> StateT cell(StateTag<StateT> tag) {
    return state.state(StateNamespaces.global(), tag);
  }

  /** The cell of {@code tag} encoded, then decoded into the same tag's cell of another key. */
  private <StateT extends State> StateT restored(StateTag<StateT> tag) throws Exception {
    StateContents.Codec codec = StateContents.of(tag);
    StateT restored =
        InMemoryStateInternals.forKey("restored").state(StateNamespaces.global(), tag);
    codec.decodeInto(codec.encode(cell(tag)), restored);
    return restored;
  }
}
