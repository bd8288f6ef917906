package dev.microbatch.benchmarks;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.Iterator;
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
 * JMH micro-benchmarks of the engine's hot paths, on two task threads: a shuffle (group, and reduce
 * with map-side combining) and a fused chain of narrow transformations. Each measures one job over
 * a million generated records; the score is jobs per second.
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

  @Param({"50000"})
  long keys;

  private Dataset<Long> numbers;

  @Setup
  public void setUp() {
    EngineContext engine = new EngineContext(PARTITIONS);
    numbers = engine.generate(PARTITIONS, (partition, task) -> range(partition));
  }

  private Iterator<Long> range(int partition) {
    return LongStream.range(
            records * partition / PARTITIONS, records * (partition + 1) / PARTITIONS)
        .boxed()
        .iterator();
  }

  @Benchmark
  public long shuffleGroupByKey() {
    return numbers.groupByKey(n -> n % keys, PARTITIONS).count();
  }

  @Benchmark
  public long shuffleReduceByKeyCombinedMapSide() {
    return numbers.reduceByKey(n -> n % keys, n -> 1L, Long::sum, PARTITIONS).count();
  }

  @Benchmark
  public long fusedChainOfThreeMapsAndAFilter() {
    return numbers.map(n -> n * 3).filter(n -> n % 2 == 0).map(n -> n + 1).map(n -> n / 2).count();
  }
}
