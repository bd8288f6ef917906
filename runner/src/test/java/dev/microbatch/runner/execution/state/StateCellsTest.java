package dev.microbatch.runner.execution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateContexts;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A key's cells are found as Beam's state table finds them (a namespace by equality, a tag by its
 * id), and the walks after a batch see what is cleared and what holds the watermark.
 */
class StateCellsTest {
  private final StateCells cells = new StateCells();

  @Test
  void aTagIsFoundByItsIdAndANamespaceByEquality() {
    BagState<Long> first = cells.get(window(0), bag("buffer"), StateContexts.nullContext());
    first.add(1L);

    // new tag and namespace objects, equal to the first ones
    BagState<Long> again = cells.get(window(0), bag("buffer"), StateContexts.nullContext());
    BagState<Long> otherTag = cells.get(window(0), bag("other"), StateContexts.nullContext());
    BagState<Long> otherWindow = cells.get(window(10), bag("buffer"), StateContexts.nullContext());

    assertSame(first, again);
    assertNotSame(first, otherTag);
    assertNotSame(first, otherWindow);
    assertEquals(2, cells.namespaces());
  }

  @Test
  void theEarliestHoldIsOfTheHoldsNotCleared() {
    hold(window(0)).add(new Instant(5));
    hold(window(10)).add(new Instant(7));
    assertEquals(new Instant(5), cells.earliestHold());

    hold(window(0)).clear();

    assertEquals(new Instant(7), cells.earliestHold());
    hold(window(10)).clear();
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, cells.earliestHold());
  }

  @Test
  void namespacesAllClearedAreForgottenAndTheRestWalkedInOrderOfFirstUse() {
    cells.get(window(10), bag("buffer"), StateContexts.nullContext()).add(1L);
    cells.get(window(0), bag("buffer"), StateContexts.nullContext()).add(2L);
    cells.get(window(0), bag("other"), StateContexts.nullContext()).add(3L);
    cells.get(window(20), bag("buffer"), StateContexts.nullContext()).add(4L);
    cells.get(window(0), bag("buffer"), StateContexts.nullContext()).clear();
    cells.get(window(20), bag("buffer"), StateContexts.nullContext()).clear();
    assertFalse(cells.allCleared());

    cells.forgetCleared();

    assertEquals(2, cells.namespaces());
    List<String> walked = new ArrayList<>();
    cells.forEachNotCleared(
        (namespace, tag, state) -> walked.add(namespace.stringKey() + " " + tag.getId()));
    assertEquals(
        List.of(window(10).stringKey() + " buffer", window(0).stringKey() + " other"), walked);

    cells.get(window(10), bag("buffer"), StateContexts.nullContext()).clear();
    cells.get(window(0), bag("other"), StateContexts.nullContext()).clear();
    assertTrue(cells.allCleared());
    cells.forgetCleared();
    assertEquals(0, cells.namespaces());
  }

  private WatermarkHoldState hold(StateNamespace namespace) {
    return cells.get(
        namespace,
        StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST),
        StateContexts.nullContext());
  }

  private static StateTag<BagState<Long>> bag(String id) {
    return StateTags.bag(id, VarLongCoder.of());
  }

  private static StateNamespace window(long start) {
    return StateNamespaces.window(
        IntervalWindow.getCoder(), new IntervalWindow(new Instant(start), new Instant(start + 10)));
  }
}
