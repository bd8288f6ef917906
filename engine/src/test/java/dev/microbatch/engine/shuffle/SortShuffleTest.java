package dev.microbatch.engine.shuffle;

import static dev.microbatch.engine.shuffle.SkewedRecords.records;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.JobProgress;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortShuffleTest {
  private static final long TINY_BUDGET = 32 << 10;

  /** Writes a key as its UTF-8 bytes and a value as eight bytes. */
  private static final RecordSerializer<Pair<String, Long>> SERIALIZER =
      new RecordSerializer<>() {
        @Override
        public void writeKey(Pair<String, Long> record, OutputStream out) throws IOException {
          out.write(record.key().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void writeValue(Pair<String, Long> record, OutputStream out) throws IOException {
          new DataOutputStream(out).writeLong(record.value());
        }
      };

  /** Each key's values, sorted, as a map would gather them. */
  private static Map<String, List<Long>> expected(List<Pair<String, Long>> records) {
    Map<String, List<Long>> groups = new TreeMap<>();
    records.forEach(r -> groups.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
    groups.values().forEach(values -> values.sort(null));
    return groups;
  }

  private static Map<String, List<Long>> sortShuffled(
      EngineContext engine, List<Pair<String, Long>> records, int mapPartitions) {
    Map<String, List<Long>> groups = new TreeMap<>();
    for (KeyGroup group :
        engine.parallelize(records, mapPartitions).groupByKeyBytes(SERIALIZER, 3).collect()) {
      List<Long> values = new ArrayList<>();
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(group.values()));
      for (int i = 0; i < group.count(); i++) {
        try {
          values.add(in.readLong());
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
      assertEquals(group.count() * Long.BYTES, group.values().length, "no stray bytes");
      values.sort(null);
      String key = new String(group.key(), StandardCharsets.UTF_8);
      if (groups.put(key, values) != null) {
        throw new AssertionError("key " + key + " came out of the shuffle twice");
      }
    }
    return groups;
  }

  @Test
  void everyKeyComesOutOnceWithAllItsValuesThoughKeysShareAHash() {
    List<Pair<String, Long>> records = records(60_000);

    Map<String, List<Long>> grouped = sortShuffled(new EngineContext(2), records, 4);

    assertThat(grouped, equalTo(expected(records)));
    assertThat(grouped.get("Aa").size(), equalTo(6_000));
    assertThat(grouped.get("BB").size(), equalTo(6_000));
  }

  @Test
  void pastTheBudgetTheMapSidesSpillSortedRunsThatTheReduceSideMerges() {
    List<Pair<String, Long>> records = records(60_000);
    ShuffleMemory memory = new ShuffleMemory(TINY_BUDGET);
    EngineContext engine = new EngineContext(2, memory);
    JobProgress progress = new JobProgress(5);
    engine.addJobListener(progress);

    Map<String, List<Long>> grouped = sortShuffled(engine, records, 2);

    assertThat(memory.spilledBytes(), greaterThan(0L));
    assertThat(progress.jobs().get(0).stages().get(0).spilledBytes(), greaterThan(0L));
    assertThat(grouped, equalTo(expected(records)));
    assertEquals(0, memory.reservedBytes());
  }

  @Test
  void aMapStageShortOfMemorySpillsTheSortedOutputAnEarlierStageHeld() {
    ShuffleMemory memory = new ShuffleMemory(5 << 20);
    EngineContext engine = new EngineContext(1, memory);
    JobProgress progress = new JobProgress(5);
    engine.addJobListener(progress);
    // Records of about 13 bytes, in pages that double (2 MB of them), with 8 bytes of index each
    // (the index growing by half, to 213,000 entries): each stage holds about 3.8 MB, so the second
    // does not fit beside the first (in 8 MB it would) and must reclaim.
    List<Pair<String, Long>> first = records(150_000);
    List<Pair<String, Long>> second = records(150_000);

    List<KeyGroup> both =
        engine
            .parallelize(first, 1)
            .groupByKeyBytes(SERIALIZER, 1)
            .union(engine.parallelize(second, 1).groupByKeyBytes(SERIALIZER, 1))
            .collect();

    List<JobProgress.StageProgress> stages = progress.jobs().get(0).stages();
    assertThat(
        "the first map stage's output went to disk", stages.get(0).spilledBytes(), greaterThan(0L));
    assertEquals(0, stages.get(1).spilledBytes(), "the second map stage got the memory it freed");
    assertEquals(first.size() + second.size(), both.stream().mapToInt(KeyGroup::count).sum());
    assertEquals(0, memory.reservedBytes());
  }

  @Test
  void anEmptyMapPartitionWritesNothingAndTheOthersAreRead() {
    List<Pair<String, Long>> records = records(1_000);

    Map<String, List<Long>> grouped = sortShuffled(new EngineContext(2), records, 1_200);

    assertThat(grouped, equalTo(expected(records)));
  }
}
