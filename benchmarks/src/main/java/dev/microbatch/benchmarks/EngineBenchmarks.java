package dev.microbatch.benchmarks;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.shuffle.RecordSerializer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the engine's hot paths, on two task threads: the hash shuffle (group, and
 * reduce with map-side combining), the sort shuffle (group), and a fused chain of narrow
 * transformations. Each measures one job over a million generated records; the score is jobs per
 * second; the records a job makes are counted where they are made, not collected. A shuffle's
 * {@code ...ReduceSide} benchmark reads a shuffle whose map side was written once in the set-up: a
 * job reads a complete shuffle without running its map stage again. Its map side costs the whole
 * shuffle's time less the reduce side's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineBenchmarks {
  private static final int PARTITIONS = 2;

  @Param({"1000000"})
  long records;

  @Param({"50000", "1000000"})
  long keys;

  private Dataset<Long> numbers;
  private Dataset<?> hashShuffled;
  private Dataset<?> sortShuffled;

  /** A number's key (the number modulo {@code keys}) and the number itself, eight bytes each. */
  private RecordSerializer<Long> keyAndNumber;

  @Setup
  public void setUp() {
    EngineContext engine = new EngineContext(PARTITIONS);
    numbers = engine.generate(PARTITIONS, (partition, task) -> range(partition));
    long modulus = keys;
    keyAndNumber =
        new RecordSerializer<>() {
          @Override
          public void writeKey(Long n, OutputStream out) throws IOException {
            writeLong(n % modulus, out);
          }

          @Override
          public void writeValue(Long n, OutputStream out) throws IOException {
            writeLong(n, out);
          }
        };
    hashShuffled = numbers.groupByKey(n -> n % modulus, PARTITIONS);
    count(hashShuffled);
    sortShuffled = numbers.groupByKeyBytes(keyAndNumber, PARTITIONS);
    count(sortShuffled);
  }

  /** How many records the dataset has, counted in each task: none is kept. */
  private static long count(Dataset<?> dataset) {
    return dataset
        .mapPartitions(
            (records, task) -> {
              long n = 0;
              for (; records.hasNext(); records.next()) {
                n++;
              }
              return List.of(n).iterator();
            })
        .collect()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static void writeLong(long v, OutputStream out) throws IOException {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private Iterator<Long> range(int partition) {
    return LongStream.range(
            records * partition / PARTITIONS, records * (partition + 1) / PARTITIONS)
        .boxed()
        .iterator();
  }

  @Benchmark
  public long shuffleGroupByKey() {
    return count(numbers.groupByKey(n -> n % keys, PARTITIONS));
  }

  @Benchmark
  public long shuffleGroupByKeyReduceSide() {
    return count(hashShuffled);
  }

  @Benchmark
  public long sortShuffleGroupByKey() {
    return count(numbers.groupByKeyBytes(keyAndNumber, PARTITIONS));
  }

  @Benchmark
  public long sortShuffleGroupByKeyReduceSide() {
    return count(sortShuffled);
  }

  @Benchmark
  public long shuffleReduceByKeyCombinedMapSide() {
    return count(numbers.reduceByKey(n -> n % keys, n -> 1L, Long::sum, PARTITIONS));
  }

  @Benchmark
  public long fusedChainOfThreeMapsAndAFilter() {
    return count(numbers.map(n -> n * 3).filter(n -> n % 2 == 0).map(n -> n + 1).map(n -> n / 2));
  }
}
