package dev.microbatch.engine.dataset;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FusionTest {

  @Test
  void aChainOfNarrowOperationsIsOnePassOverEachPartition() {
    EngineContext engine = new EngineContext(1);
    AtomicInteger partitionReads = new AtomicInteger();
    AtomicInteger mapCalls = new AtomicInteger();
    AtomicInteger filterCalls = new AtomicInteger();
    AtomicInteger flatMapCalls = new AtomicInteger();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Dataset<Integer> source =
        engine.generate(
            1,
            (partition, task) -> {
              partitionReads.incrementAndGet();
              return IntStream.rangeClosed(1, 3).boxed().iterator();
            });
    List<Integer> result =
        source
            .map(
                x -> {
                  mapCalls.incrementAndGet();
                  events.add("map " + x);
                  return x * 10;
                })
            .filter(
                x -> {
                  filterCalls.incrementAndGet();
                  events.add("filter " + x);
                  return x != 20;
                })
            .flatMap(
                x -> {
                  flatMapCalls.incrementAndGet();
                  events.add("flatMap " + x);
                  return List.of(x, x + 1);
                })
            .collect();

    assertThat(result, contains(10, 11, 30, 31));
    assertThat(partitionReads.get(), equalTo(1));
    assertThat(mapCalls.get(), equalTo(3));
    assertThat(filterCalls.get(), equalTo(3));
    assertThat(flatMapCalls.get(), equalTo(2));
    // One pass: each record goes through the whole chain before the next is read, so no
    // operation ever holds the whole partition.
    assertThat(
        events,
        contains(
            "map 1",
            "filter 10",
            "flatMap 10",
            "map 2",
            "filter 20",
            "map 3",
            "filter 30",
            "flatMap 30"));
  }

  @Test
  void aCachedDatasetIsComputedOnceForSeveralConsumers() {
    EngineContext engine = new EngineContext(2);
    AtomicInteger calls = new AtomicInteger();
    Dataset<Integer> shared =
        engine
            .parallelize(List.of(1, 2, 3, 4), 2)
            .map(
                x -> {
                  calls.incrementAndGet();
                  return x;
                })
            .cache();
    Dataset<Integer> both = shared.map(x -> x + 100).union(shared.filter(x -> x % 2 == 0));
    assertThat(both.collect(), contains(101, 102, 103, 104, 2, 4));
    assertThat(calls.get(), equalTo(4));
  }

  @Test
  void unionKeepsDuplicatedInputsAndEmptyOnes() {
    EngineContext engine = new EngineContext(2);
    Dataset<String> a = engine.parallelize(List.of("a", "b"), 2);
    Dataset<String> none = engine.empty();
    assertThat(a.union(a, none).collect(), contains("a", "b", "a", "b"));
  }

  @Test
  void aBroadcastIsComputedBeforeTheTasksThatReadIt() {
    EngineContext engine = new EngineContext(2);
    Broadcast<Integer> total =
        engine
            .parallelize(List.of(1, 2, 3), 2)
            .broadcast(all -> all.stream().mapToInt(Integer::intValue).sum());
    List<Integer> shifted =
        engine
            .parallelize(List.of(10, 20), 2)
            .mapPartitions(
                (input, task) -> {
                  int t = total.value();
                  List<Integer> out = new ArrayList<>();
                  input.forEachRemaining(x -> out.add(x + t));
                  return out.iterator();
                },
                List.of(total))
            .collect();
    assertThat(shifted, contains(16, 26));
  }
}
