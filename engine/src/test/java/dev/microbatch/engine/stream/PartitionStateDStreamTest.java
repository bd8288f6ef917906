package dev.microbatch.engine.stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartitionStateDStreamTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualMicroBatchClock clock = new ManualMicroBatchClock();
  private final StreamingContext ssc = new StreamingContext(INTERVAL, 2, clock);
  private final Queue<List<String>> lines = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  /** Running word counts, kept per partition; each batch outputs the totals of the keys it got. */
  private PartitionStateDStream<
          String, String, Integer, Map<String, Integer>, Pair<String, Integer>>
      runningTotals() {
    return ssc.queueStream(lines, true)
        .flatMap(line -> Arrays.asList(line.split(" ")))
        .updatePartitionState(
            w -> w,
            w -> 1,
            new PartitionStateFunction<
                String, Integer, Map<String, Integer>, Pair<String, Integer>>() {
              @Override
              public Map<String, Integer> newState() {
                return new HashMap<>();
              }

              @Override
              public List<Pair<String, Integer>> update(
                  long batchTime,
                  Map<String, Integer> totals,
                  Iterator<Pair<String, List<Integer>>> values,
                  TaskContext task) {
                List<Pair<String, Integer>> updated = new ArrayList<>();
                values.forEachRemaining(
                    v ->
                        updated.add(
                            new Pair<>(
                                v.key(), totals.merge(v.key(), v.value().size(), Integer::sum))));
                return updated;
              }
            });
  }

  private void runBatches(MicroBatchRecorder<?> out, int batches) throws InterruptedException {
    for (int i = 0; i < batches; i++) {
      clock.advance(INTERVAL);
      out.awaitBatch();
    }
  }

  @Test
  void aKeysNewValuesMeetItsStateAndKeysWithoutNewValuesAreLeftAlone() throws Exception {
    var totals = runningTotals();
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals.outputs());
    lines.addAll(List.of(List.of("a b a", "c"), List.of("a"), List.of("b")));
    ssc.start();

    runBatches(out, 4);

    assertThat(out.outputs.get(1000L), containsInAnyOrder(p("a", 2), p("b", 1), p("c", 1)));
    assertThat(out.outputs.get(2000L), containsInAnyOrder(p("a", 3)));
    assertThat(out.outputs.get(3000L), containsInAnyOrder(p("b", 2)));
    assertThat(out.outputs.get(4000L), empty());
    assertThat(merged(totals.statesAfter(4000L)), equalTo(Map.of("a", 3, "b", 2, "c", 1)));
  }

  @Test
  void theRecordsAStreamStartsWithJoinItsFirstBatch() throws Exception {
    var totals = runningTotals();
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals.outputs());
    totals.startWith(List.of("a", "z", "z"));
    lines.addAll(List.of(List.of("a b"), List.of("z")));
    ssc.start();

    runBatches(out, 2);

    assertThat(out.outputs.get(1000L), containsInAnyOrder(p("a", 2), p("b", 1), p("z", 2)));
    assertThat(out.outputs.get(2000L), containsInAnyOrder(p("z", 3)));
  }

  @Test
  void anUpdateReadsTheBroadcastsBuiltForItsBatch() throws Exception {
    Map<Long, Broadcast<Long>> built = new ConcurrentHashMap<>();
    var lastBatchOfKey =
        ssc.queueStream(lines, true)
            .updatePartitionState(
                w -> w,
                w -> 1,
                new PartitionStateFunction<
                    String, Integer, Map<String, Long>, Pair<String, Long>>() {
                  @Override
                  public Map<String, Long> newState() {
                    return new HashMap<>();
                  }

                  @Override
                  public List<Pair<String, Long>> update(
                      long batchTime,
                      Map<String, Long> lastBatch,
                      Iterator<Pair<String, List<Integer>>> values,
                      TaskContext task) {
                    long thisBatch = built.get(batchTime).value();
                    values.forEachRemaining(v -> lastBatch.put(v.key(), thisBatch));
                    return List.of();
                  }

                  @Override
                  public List<Broadcast<?>> broadcasts(long batchTime) {
                    Broadcast<Long> time =
                        ssc.engine().parallelize(List.of(batchTime), 1).broadcast(l -> l.get(0));
                    built.put(batchTime, time);
                    return List.of(time);
                  }
                });
    MicroBatchRecorder<?> out = MicroBatchRecorder.of(lastBatchOfKey.outputs());
    lines.addAll(List.of(List.of("a"), List.of("b")));
    ssc.start();

    runBatches(out, 2);

    assertThat(merged(lastBatchOfKey.statesAfter(2000L)), equalTo(Map.of("a", 1000L, "b", 2000L)));
  }

  @Test
  void stateMovesThroughManyBatchesWithoutGrowingLineage() throws Exception {
    var totals = runningTotals();
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals.outputs());
    for (int i = 0; i < 50; i++) {
      lines.add(List.of("x"));
    }
    ssc.start();

    runBatches(out, 50);

    assertThat(out.outputs.get(50_000L), equalTo(List.of(p("x", 50))));
  }

  private static <V> Map<String, V> merged(List<Map<String, V>> partitions) {
    Map<String, V> all = new HashMap<>();
    partitions.forEach(all::putAll);
    return all;
  }

  private static Pair<String, Integer> p(String word, int count) {
    return new Pair<>(word, count);
  }
}
