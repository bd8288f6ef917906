package dev.microbatch.engine.shuffle;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShuffleTest {

  private static List<Pair<String, Long>> randomRecords(long seed) {
    Random random = new Random(seed);
    List<Pair<String, Long>> records = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      // A skewed key space: a few hot keys and a long tail.
      int key = random.nextBoolean() ? random.nextInt(5) : random.nextInt(2_000);
      records.add(new Pair<>("k" + key, (long) random.nextInt(1_000) - 500));
    }
    return records;
  }

  private static Map<String, Long> sequentialSums(List<Pair<String, Long>> records) {
    Map<String, Long> sums = new HashMap<>();
    records.forEach(r -> sums.merge(r.key(), r.value(), Long::sum));
    return sums;
  }

  private static Map<String, Long> asMap(List<Pair<String, Long>> pairs) {
    Map<String, Long> map = new HashMap<>();
    for (Pair<String, Long> p : pairs) {
      if (map.put(p.key(), p.value()) != null) {
        throw new AssertionError("key " + p.key() + " came out of the shuffle twice");
      }
    }
    return map;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void combineWithMapSideCombineEqualsSequentialReference(int partitions) {
    List<Pair<String, Long>> records = randomRecords(partitions);
    EngineContext engine = new EngineContext(2);
    AtomicLong combinersCreated = new AtomicLong();
    List<Pair<String, Long>> result =
        engine
            .parallelize(records, partitions)
            .combineByKey(
                Pair::key,
                Pair::value,
                new Aggregator<Long, Long>(
                    v -> {
                      combinersCreated.incrementAndGet();
                      return v;
                    },
                    Long::sum,
                    Long::sum),
                partitions,
                true)
            .collect();
    assertThat(asMap(result), equalTo(sequentialSums(records)));
    // combined on the map side: a combiner per key in each input partition, not one per key
    assertThat(
        combinersCreated.get(), equalTo(distinctKeysPerPartition(engine, records, partitions)));
  }

  /**
   * How many distinct keys each of the {@code partitions} slices of {@code records} holds, summed.
   */
  private static long distinctKeysPerPartition(
      EngineContext engine, List<Pair<String, Long>> records, int partitions) {
    return engine
        .parallelize(records, partitions)
        .mapPartitions(
            (input, task) -> {
              Set<String> keys = new HashSet<>();
              input.forEachRemaining(r -> keys.add(r.key()));
              return List.of((long) keys.size()).iterator();
            })
        .collect()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void combineWithoutMapSideCombineEqualsSequentialReference(int partitions) {
    List<Pair<String, Long>> records = randomRecords(100 + partitions);
    EngineContext engine = new EngineContext(3);
    List<Pair<String, Long>> result =
        engine
            .parallelize(records, partitions)
            .combineByKey(Pair::key, Pair::value, Aggregator.reducing(Long::sum), partitions, false)
            .collect();
    assertThat(asMap(result), equalTo(sequentialSums(records)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 8})
  void groupByKeyKeepsEveryValueOfEveryKey(int partitions) {
    List<Pair<String, Long>> records = randomRecords(200 + partitions);
    EngineContext engine = new EngineContext(2);
    List<Pair<String, List<Pair<String, Long>>>> groups =
        engine.parallelize(records, 3).groupByKey(Pair::key, partitions).collect();
    Map<String, List<Long>> expected =
        records.stream()
            .collect(
                Collectors.groupingBy(
                    Pair::key, Collectors.mapping(Pair::value, Collectors.toList())));
    assertThat(groups.size(), equalTo(expected.size()));
    for (Pair<String, List<Pair<String, Long>>> group : groups) {
      List<Long> values = group.value().stream().map(Pair::value).toList();
      assertThat(values, containsInAnyOrder(expected.get(group.key()).toArray()));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  void keysAreComparedByTheSuppliedKeyNotByTheRecord(int partitions) {
    // Two distinct array objects with equal contents are one key once wrapped by the caller.
    List<byte[]> records = List.of(new byte[] {1, 2}, new byte[] {1, 2}, new byte[] {3});
    EngineContext engine = new EngineContext(2);
    List<Pair<String, Long>> counts =
        engine
            .parallelize(records, 2)
            .reduceByKey(b -> java.util.Arrays.toString(b), b -> 1L, Long::sum, partitions)
            .collect();
    assertThat(asMap(counts), equalTo(Map.of("[1, 2]", 2L, "[3]", 1L)));
  }
}
