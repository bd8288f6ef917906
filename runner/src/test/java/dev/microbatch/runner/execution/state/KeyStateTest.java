package dev.microbatch.runner.execution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.ImmutableList;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Between batches a key forgets the windows whose cells are all cleared, and keeps what a later
 * batch still reads.
 */
class KeyStateTest {
  private static final StateTag<BagState<Long>> BUFFER = StateTags.bag("buffer", VarLongCoder.of());
  private static final StateTag<BagState<Long>> OTHER = StateTags.bag("other", VarLongCoder.of());

  private final KeyState<String> key = new KeyState<>("a", new Instant(0), new Instant(0));

  @Test
  void aWindowWhoseCellsAreAllClearedIsForgottenAndTheOthersKept() {
    StateNamespace closed = window(0);
    StateNamespace open = window(10_000);
    bag(closed, BUFFER).add(1L);
    bag(closed, OTHER).add(2L);
    bag(open, BUFFER).add(3L);
    bag(open, OTHER).add(4L);
    bag(closed, BUFFER).clear();
    bag(closed, OTHER).clear();
    bag(open, OTHER).clear();

    key.forgetClearedState();

    assertEquals(1, key.namespacesHeld());
    assertEquals(List.of(3L), ImmutableList.copyOf(bag(open, BUFFER).read()));
  }

  @Test
  void aKeyWhoseCellsAreAllClearedForgetsThemAll() {
    bag(window(0), BUFFER).add(1L);
    bag(StateNamespaces.global(), OTHER).add(2L);
    bag(window(0), BUFFER).clear();
    bag(StateNamespaces.global(), OTHER).clear();

    key.forgetClearedState();

    assertEquals(0, key.namespacesHeld());
    assertTrue(key.isEmpty());
  }

  @Test
  void aKeyWithOneWindowInUseKeepsItsClearedCellsThere() {
    bag(window(0), BUFFER).add(1L);
    bag(window(0), OTHER).add(2L);
    bag(window(0), OTHER).clear();

    key.forgetClearedState();

    assertEquals(1, key.namespacesHeld());
    assertEquals(List.of(1L), ImmutableList.copyOf(bag(window(0), BUFFER).read()));
  }

  private BagState<Long> bag(StateNamespace namespace, StateTag<BagState<Long>> tag) {
    return key.state().state(namespace, tag);
  }

  private static StateNamespace window(long start) {
    return StateNamespaces.window(
        IntervalWindow.getCoder(),
        new IntervalWindow(new Instant(start), new Instant(start + 10_000)));
  }
}
