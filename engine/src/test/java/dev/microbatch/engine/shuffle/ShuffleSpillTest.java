package dev.microbatch.engine.shuffle;

import static dev.microbatch.engine.shuffle.SkewedRecords.records;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.JobProgress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShuffleSpillTest {
  private static final long TINY_BUDGET = 32 << 10;

  /** Writes a key and a long: a record of the group-by test, or a key and its sum. */
  private static final class KeyAndLong implements ShuffleCodec<String, Object> {
    private final boolean valueIsRecord;

    KeyAndLong(boolean valueIsRecord) {
      this.valueIsRecord = valueIsRecord;
    }

    @Override
    public void encode(String key, Object value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeUTF(key);
      data.writeLong(valueIsRecord ? ((Pair<?, Long>) value).value() : (Long) value);
    }

    @Override
    public Pair<String, Object> decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      String key = data.readUTF();
      long value = data.readLong();
      return new Pair<>(key, valueIsRecord ? new Pair<>(key, value) : value);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, List<Long>> groups(
      EngineContext engine, List<Pair<String, Long>> records, boolean spillable) {
    Map<String, List<Long>> groups = new TreeMap<>();
    Dataset<Pair<String, Long>> input = engine.parallelize(records, 4);
    Dataset<Pair<String, List<Pair<String, Long>>>> grouped =
        spillable
            ? input.groupByKey(Pair::key, 3, (ShuffleCodec) new KeyAndLong(true))
            : input.groupByKey(Pair::key, 3);
    for (Pair<String, List<Pair<String, Long>>> group : grouped.collect()) {
      List<Long> values = new ArrayList<>();
      group.value().forEach(r -> values.add(r.value()));
      values.sort(null);
      if (groups.put(group.key(), values) != null) {
        throw new AssertionError("key " + group.key() + " came out of the shuffle twice");
      }
    }
    return groups;
  }

  @Test
  void groupByKeyPastTheBudgetSpillsAndStillGroupsEveryRecordOnce() {
    List<Pair<String, Long>> records = records(60_000);
    ShuffleMemory memory = new ShuffleMemory(TINY_BUDGET);
    EngineContext engine = new EngineContext(2, memory);
    JobProgress progress = new JobProgress(5);
    engine.addJobListener(progress);

    Map<String, List<Long>> spilled = groups(engine, records, true);

    assertThat(memory.spilledBytes(), greaterThan(0L));
    assertThat(progress.jobs().get(0).stages().get(0).spilledBytes(), greaterThan(0L));
    assertThat(spilled, equalTo(groups(new EngineContext(2), records, true)));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void combinePastTheBudgetMergesAKeyFromEverySpill() {
    List<Pair<String, Long>> records = records(60_000);
    ShuffleMemory memory = new ShuffleMemory(TINY_BUDGET);
    EngineContext engine = new EngineContext(2, memory);

    List<Pair<String, Long>> sums =
        engine
            .parallelize(records, 2)
            .combineByKey(
                Pair::key,
                Pair::value,
                Aggregator.reducing(Long::sum),
                3,
                true,
                (ShuffleCodec) new KeyAndLong(false))
            .collect();

    assertThat(memory.spilledBytes(), greaterThan(0L));
    Map<String, Long> expected = new HashMap<>();
    records.forEach(r -> expected.merge(r.key(), r.value(), Long::sum));
    Map<String, Long> actual = new HashMap<>();
    sums.forEach(
        p -> assertEquals(null, actual.put(p.key(), p.value()), "key " + p.key() + " twice"));
    assertThat(actual, equalTo(expected));
  }

  /** A key and its list of values: a combiner that grows as it folds. */
  private static final class KeyAndLongs implements ShuffleCodec<String, List<Long>> {
    @Override
    public void encode(String key, List<Long> values, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeUTF(key);
      data.writeInt(values.size());
      for (long value : values) {
        data.writeLong(value);
      }
    }

    @Override
    public Pair<String, List<Long>> decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      String key = data.readUTF();
      List<Long> values = new ArrayList<>();
      for (int i = data.readInt(); i > 0; i--) {
        values.add(data.readLong());
      }
      return new Pair<>(key, values);
    }
  }

  @Test
  void combinersThatGrowAsTheyFoldSpillThoughTheirKeysAreFew() {
    List<Pair<String, Long>> records = new ArrayList<>();
    for (long i = 0; i < 100_000; i++) {
      records.add(new Pair<>("k" + i % 10, i));
    }
    ShuffleMemory memory = new ShuffleMemory(256 << 10);
    EngineContext engine = new EngineContext(2, memory);

    List<Pair<String, List<Long>>> lists =
        engine
            .parallelize(records, 2)
            .combineByKey(
                Pair::key, Pair::value, Aggregator.<Long>toList(), 2, true, new KeyAndLongs())
            .collect();

    assertThat(
        "ten keys, but 100,000 values in their lists", memory.spilledBytes(), greaterThan(0L));
    assertEquals(10, lists.size());
    assertEquals(100_000, lists.stream().mapToInt(p -> p.value().size()).sum());
    assertEquals(
        100_000L * 99_999 / 2,
        lists.stream().flatMap(p -> p.value().stream()).mapToLong(Long::longValue).sum());
  }

  @Test
  void theMemoryAJobsMapOutputsHeldIsFreeWhenTheJobEnds() {
    ShuffleMemory memory = new ShuffleMemory(64L << 20);
    EngineContext engine = new EngineContext(2, memory);

    groups(engine, records(20_000), true);

    assertEquals(0, memory.spilledBytes(), "fits the budget: nothing spilled");
    assertEquals(0, memory.reservedBytes());
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aMapStageShortOfMemorySpillsTheOutputAnEarlierStageHeld() {
    ShuffleMemory memory = new ShuffleMemory(2 << 20);
    EngineContext engine = new EngineContext(1, memory);
    JobProgress progress = new JobProgress(5);
    engine.addJobListener(progress);
    List<Pair<String, Long>> small = records(8_000); // about 0.9 MB as the buffer counts it
    List<Pair<String, Long>> large = records(16_000); // about 1.8 MB: more than is left
    ShuffleCodec codec = new KeyAndLong(true);

    List<Pair<String, List<Pair<String, Long>>>> both =
        engine
            .parallelize(small, 1)
            .groupByKey(Pair::key, 1, codec)
            .union(engine.parallelize(large, 1).groupByKey(Pair::key, 1, codec))
            .collect();

    List<JobProgress.StageProgress> stages = progress.jobs().get(0).stages();
    assertThat(
        "the first map stage's output went to disk", stages.get(0).spilledBytes(), greaterThan(0L));
    assertEquals(0, stages.get(1).spilledBytes(), "the second map stage got the memory it freed");
    assertEquals(
        small.size() + large.size(), both.stream().mapToInt(group -> group.value().size()).sum());
    assertEquals(0, memory.reservedBytes());
  }

  @Test
  void aShuffleWithoutACodecNeverSpills() {
    List<Pair<String, Long>> records = records(20_000);
    ShuffleMemory memory = new ShuffleMemory(TINY_BUDGET);

    Map<String, List<Long>> grouped = groups(new EngineContext(2, memory), records, false);

    assertEquals(0, memory.spilledBytes());
    assertThat(grouped, equalTo(groups(new EngineContext(2), records, true)));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aSpillThatCannotBeReadBackFailsTheJobNamingTheFile() {
    ShuffleCodec<String, Object> unreadable =
        new ShuffleCodec<>() {
          @Override
          public void encode(String key, Object value, OutputStream out) throws IOException {
            new KeyAndLong(true).encode(key, value, out);
          }

          @Override
          public Pair<String, Object> decode(InputStream in) throws IOException {
            throw new IOException("corrupt record");
          }
        };
    EngineContext engine = new EngineContext(2, new ShuffleMemory(TINY_BUDGET));
    Dataset<Pair<String, List<Pair<String, Long>>>> grouped =
        engine.parallelize(records(20_000), 2).groupByKey(Pair::key, 2, (ShuffleCodec) unreadable);

    UncheckedIOException failure = assertThrows(UncheckedIOException.class, grouped::collect);

    assertThat(failure.getMessage(), containsString("Cannot read shuffle records spilled to "));
    assertThat(failure.getMessage(), containsString(".spill: corrupt record"));
  }
}
