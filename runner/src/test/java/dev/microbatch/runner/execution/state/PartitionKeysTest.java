package dev.microbatch.runner.execution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.microbatch.engine.dataset.Pair;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A batch runs the keys with new values, the keys that must run again and the keys with a timer
 * due, not the others; the partition's hold is the earliest of its keys', exact as keys come and
 * go.
 */
class PartitionKeysTest {
  private static final Instant START = new Instant(0);

  private final PartitionKeys<String> partition =
      new PartitionKeys<>(KeyState::earliestHoldOrTimerOutput);

  @Test
  void aBatchRunsTheKeysWithNewValuesAndThoseWithATimerDue() throws Exception {
    ran("a", eventTimer("a", 60_000, 10_000));
    ran("b", eventTimer("b", 120_000, 70_000));
    ran("c", eventTimer("c", 90_000, 80_000));

    assertEquals(List.of("b"), keysRun(List.of("b"), new Instant(50_000), START));
    assertEquals(List.of("b"), keysRun(List.of("b"), new Instant(60_000), START));
    // past a's timer: a runs after the key with new values; c's timer is not due
    assertEquals(List.of("b", "a"), keysRun(List.of("b"), new Instant(60_001), START));
    // a's timer fired meanwhile; c's is the next due
    ran("a", empty("a"));
    ran("b", partition.stateOf("b"));
    assertEquals(List.of(), keysRun(List.of(), new Instant(90_000), START));
    assertEquals(List.of("c"), keysRun(List.of(), new Instant(100_000), START));
    ran("c", empty("c"));
    assertEquals(List.of("b"), keysRun(List.of(), new Instant(120_001), START));
  }

  @Test
  void aProcessingTimeTimerDueRunsItsKeyOnly() throws Exception {
    ran("a", timer("a", 5_000, 5_000, TimeDomain.PROCESSING_TIME));
    ran("b", eventTimer("b", 60_000, 60_000));
    ran("c", timer("c", 9_000, 9_000, TimeDomain.SYNCHRONIZED_PROCESSING_TIME));

    assertEquals(List.of(), keysRun(List.of(), START, new Instant(5_000)));
    assertEquals(List.of("a"), keysRun(List.of(), START, new Instant(5_001)));
    ran("a", empty("a"));
    assertEquals(List.of("c"), keysRun(List.of(), START, new Instant(9_001)));
  }

  @Test
  void aKeyWhoseProcessingTimeTimerIsNotDueRunsOnceTheWatermarkIsAtTheEndOfTime() throws Exception {
    ran("a", timer("a", 5_000, 5_000, TimeDomain.PROCESSING_TIME));
    ran("b", eventTimer("b", 60_000, 60_000));

    assertEquals(
        List.of("a", "b"), sorted(keysRun(List.of(), BoundedWindow.TIMESTAMP_MAX_VALUE, START)));
  }

  @Test
  void aKeyWhoseTimersFiredRunsInTheNextBatchAndHoldsUntilThen() throws Exception {
    KeyState<String> a = empty("a");
    a.holdThroughBatch(new Instant(30_000));
    ran("a", a);

    assertEquals(new Instant(30_000), partition.earliestHold());
    assertEquals(List.of("a"), keysRun(List.of(), START, START));
    a.releaseFiredTimers();
    ran("a", a);
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, partition.earliestHold());
    assertEquals(List.of(), keysRun(List.of(), START, START));
  }

  @Test
  void theHoldIsTheEarliestOfTheKeysAndMovesWhenThatKeyLetsGo() throws Exception {
    ran("a", eventTimer("a", 60_000, 10_000));
    ran("b", eventTimer("b", 60_000, 20_000));
    ran("c", eventTimer("c", 60_000, 10_000));
    assertEquals(new Instant(10_000), partition.earliestHold());

    ran("a", empty("a"));
    assertEquals(new Instant(10_000), partition.earliestHold()); // c holds there too
    ran("c", empty("c"));
    assertEquals(new Instant(20_000), partition.earliestHold());
    assertEquals(List.of("b"), partition.states().stream().map(KeyState::key).toList());
  }

  /** Has the batch's keys run, in the order the partition gives, and returns them. */
  private List<String> keysRun(List<String> withNewValues, Instant watermark, Instant now) {
    Map<Object, List<Object>> run =
        partition.toRun(
            withNewValues.stream()
                .map(key -> new Pair<Object, List<Object>>(key, List.of("value")))
                .iterator(),
            watermark,
            now);
    return run.keySet().stream().map(String.class::cast).toList();
  }

  private void ran(String key, KeyState<String> state) {
    partition.ran(key, state);
  }

  private static KeyState<String> empty(String key) {
    return new KeyState<>(key, START, START);
  }

  private static KeyState<String> eventTimer(String key, long at, long outputAt) {
    return timer(key, at, outputAt, TimeDomain.EVENT_TIME);
  }

  private static KeyState<String> timer(String key, long at, long outputAt, TimeDomain domain) {
    KeyState<String> state = empty(key);
    state
        .timers()
        .setTimer(
            TimerData.of(
                "timer", StateNamespaces.global(), new Instant(at), new Instant(outputAt), domain));
    return state;
  }

  private static List<String> sorted(List<String> keys) {
    return keys.stream().sorted().toList();
  }
}
