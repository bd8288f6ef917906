package dev.microbatch.engine.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.stream.PartitionStateUpdateFunction.KeyUpdate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DStreamOperationsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualMicroBatchClock clock = new ManualMicroBatchClock();
  private final StreamingContext ssc = new StreamingContext(INTERVAL, 2, clock);
  private final Queue<List<String>> lines = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    ssc.stop(false);
  }

  private DStream<String> words() {
    return ssc.queueStream(lines, true).flatMap(line -> Arrays.asList(line.split(" ")));
  }

  private static Pair<String, Integer> p(String word, int count) {
    return new Pair<>(word, count);
  }

  @Test
  void reduceByKeyCountsEachBatchOnItsOwn() throws Exception {
    MicroBatchRecorder<Pair<String, Integer>> out =
        MicroBatchRecorder.of(words().reduceByKey(w -> w, w -> 1, Integer::sum));
    lines.add(List.of("a b a", "c"));
    lines.add(List.of("b"));
    ssc.start();

    clock.advance(INTERVAL);
    out.awaitBatch();
    clock.advance(INTERVAL);
    out.awaitBatch();
    clock.advance(INTERVAL);
    out.awaitBatch();

    assertThat(out.outputs.get(1000L), containsInAnyOrder(p("a", 2), p("b", 1), p("c", 1)));
    assertThat(out.outputs.get(2000L), containsInAnyOrder(p("b", 1)));
    assertThat(out.outputs.get(3000L), empty());
  }

  @Test
  void mapFilterUnionAndTransformApplyPerBatch() throws Exception {
    Queue<List<Integer>> numbers = new ConcurrentLinkedQueue<>(List.of(List.of(1, 2, 3, 4)));
    DStream<Integer> evens = ssc.queueStream(numbers, true).filter(n -> n % 2 == 0);
    DStream<Integer> tens = words().map(String::length).map(n -> n * 10);
    DStream<String> both = evens.union(tens).transform((d, time) -> d.map(n -> time + ":" + n));
    MicroBatchRecorder<String> out = MicroBatchRecorder.of(both);
    lines.add(List.of("ab c"));
    ssc.start();

    clock.advance(INTERVAL);
    out.awaitBatch();

    assertThat(
        out.outputs.get(1000L), containsInAnyOrder("1000:2", "1000:4", "1000:20", "1000:10"));
  }

  @Test
  void reduceByKeyAndWindowCoversTheLastWindowLengthEverySlide() throws Exception {
    DStream<Pair<String, Integer>> windowed =
        words()
            .reduceByKeyAndWindow(
                w -> w, w -> 1, Integer::sum, Duration.ofSeconds(3), Duration.ofSeconds(2));
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(windowed);
    lines.addAll(List.of(List.of("a"), List.of("a b"), List.of("b"), List.of("c"), List.of("a")));
    ssc.start();

    for (int i = 0; i < 6; i++) {
      clock.advance(INTERVAL);
      out.awaitBatch();
    }

    // slides of 2 s: windows end at 2000 (batches 1000-2000), 4000 (2000-4000), 6000 (4000-6000)
    assertThat(out.outputs.keySet(), containsInAnyOrder(2000L, 4000L, 6000L));
    assertThat(out.outputs.get(2000L), containsInAnyOrder(p("a", 2), p("b", 1)));
    assertThat(out.outputs.get(4000L), containsInAnyOrder(p("a", 1), p("b", 2), p("c", 1)));
    assertThat(out.outputs.get(6000L), containsInAnyOrder(p("c", 1), p("a", 1)));
  }

  @Test
  void updateStateByKeyCarriesRunningTotalsAndDropsEmptyState() throws Exception {
    DStream<Pair<String, Integer>> totals =
        words()
            .updateStateByKey(
                w -> w,
                w -> 1,
                (List<Integer> values, Optional<Integer> state) -> {
                  int total = state.orElse(0) + values.size();
                  // a key seen in no batch since the last one is forgotten
                  return values.isEmpty() ? Optional.empty() : Optional.of(total);
                });
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals);
    lines.addAll(List.of(List.of("a b a"), List.of("a"), List.of("b")));
    ssc.start();

    for (int i = 0; i < 4; i++) {
      clock.advance(INTERVAL);
      out.awaitBatch();
    }

    assertThat(out.outputs.get(1000L), containsInAnyOrder(p("a", 2), p("b", 1)));
    assertThat(out.outputs.get(2000L), containsInAnyOrder(p("a", 3)));
    assertThat(out.outputs.get(3000L), containsInAnyOrder(p("b", 1)));
    assertThat(out.outputs.get(4000L), empty());
  }

  @Test
  void keyedStateStartsFromTheStateOfAnEarlierRunAndIsReadBackAfterABatch() throws Exception {
    StateDStream<String, String, Integer, Integer> totals =
        words()
            .updateStateByKey(
                w -> w,
                w -> 1,
                PartitionStateUpdateFunction.<String, Integer, Integer>perKey(
                    (time, key, values, state) -> Optional.of(state.orElse(0) + values.size())));
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals);
    totals.startFrom(List.of(p("a", 10), p("z", 5)));
    lines.add(List.of("a b"));
    ssc.start();

    clock.advance(INTERVAL);
    out.awaitBatch();

    assertThat(out.outputs.get(1000L), containsInAnyOrder(p("a", 11), p("b", 1), p("z", 5)));
    assertThat(totals.stateAfter(1000L), containsInAnyOrder(p("a", 11), p("b", 1), p("z", 5)));
  }

  @Test
  void aPartitionStateUpdateReadsTheBroadcastsBuiltForItsBatch() throws Exception {
    Map<Long, Broadcast<Long>> built = new ConcurrentHashMap<>();
    DStream<Pair<String, Long>> batchOfLastValue =
        words()
            .updateStateByKey(
                w -> w,
                w -> 1,
                new PartitionStateUpdateFunction<String, Integer, Long>() {
                  @Override
                  public Iterator<Pair<String, Long>> update(
                      long batchTime,
                      Iterator<KeyUpdate<String, Integer, Long>> keys,
                      TaskContext task) {
                    long thisBatch = built.get(batchTime).value();
                    List<Pair<String, Long>> updated = new ArrayList<>();
                    keys.forEachRemaining(
                        k ->
                            updated.add(
                                new Pair<>(
                                    k.key(), k.values().isEmpty() ? k.state().get() : thisBatch)));
                    return updated.iterator();
                  }

                  @Override
                  public List<Broadcast<?>> broadcasts(long batchTime) {
                    Broadcast<Long> time =
                        ssc.engine().parallelize(List.of(batchTime), 1).broadcast(l -> l.get(0));
                    built.put(batchTime, time);
                    return List.of(time);
                  }
                });
    MicroBatchRecorder<Pair<String, Long>> out = MicroBatchRecorder.of(batchOfLastValue);
    lines.addAll(List.of(List.of("a"), List.of("b")));
    ssc.start();

    for (int i = 0; i < 2; i++) {
      clock.advance(INTERVAL);
      out.awaitBatch();
    }

    assertThat(
        out.outputs.get(2000L), containsInAnyOrder(new Pair<>("a", 1000L), new Pair<>("b", 2000L)));
  }

  @Test
  void stateSurvivesManyBatchesWithoutGrowingLineage() throws Exception {
    DStream<Pair<String, Integer>> totals =
        words()
            .updateStateByKey(
                w -> w, w -> 1, (values, state) -> Optional.of(state.orElse(0) + values.size()));
    MicroBatchRecorder<Pair<String, Integer>> out = MicroBatchRecorder.of(totals);
    for (int i = 0; i < 50; i++) {
      lines.add(List.of("x"));
    }
    ssc.start();

    for (int i = 0; i < 50; i++) {
      clock.advance(INTERVAL);
      out.awaitBatch();
    }

    assertThat(out.outputs.get(50_000L), equalTo(List.of(p("x", 50))));
  }

  @Test
  void printWritesSparksFormat() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream printed = new PrintStream(bytes, true, UTF_8);
    DStream<String> stream = words();
    stream.print(2, printed);
    MicroBatchRecorder<String> out = MicroBatchRecorder.of(stream);
    lines.add(List.of("a b c"));
    ssc.start();

    clock.advance(INTERVAL);
    out.awaitBatch();

    assertThat(
        bytes.toString(UTF_8),
        equalTo(
            "-------------------------------------------\n"
                + "Time: 1000 ms\n"
                + "-------------------------------------------\n"
                + "a\nb\n...\n\n"));
  }
}
