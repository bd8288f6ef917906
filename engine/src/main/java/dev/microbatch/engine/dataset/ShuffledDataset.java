package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.ShuffleOutput;
import dev.microbatch.engine.shuffle.SpillMerge;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reduce side of a shuffle: merges one bucket from every map partition, key by key, in memory;
 * or, where map tasks spilled, merges them as sorted runs ({@link SpillMerge}).
 */
final class ShuffledDataset<T, K, V, C> extends Dataset<Pair<K, C>> {
  private final ShuffleDependency<T, K, V, C> dependency;

  ShuffledDataset(EngineContext context, ShuffleDependency<T, K, V, C> dependency) {
    super(context);
    this.dependency = dependency;
  }

  @Override
  public int numPartitions() {
    return dependency.output().numReducePartitions();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of(dependency);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Iterator<Pair<K, C>> compute(int partition, TaskContext task) {
    List<ShuffleOutput.MapOutput<K>> outputs = dependency.output().mapOutputs();
    Aggregator<V, C> aggregator = dependency.aggregator();
    boolean combined = dependency.mapSideCombine();
    if (outputs.stream().anyMatch(output -> output.spilled(partition))) {
      return new SpillMerge<>(
          SpillMerge.runsOf(outputs, dependency.spillCodec(), partition, task),
          aggregator,
          combined,
          task);
    }
    Map<K, C> merged = new LinkedHashMap<>();
    for (ShuffleOutput.MapOutput<K> output : outputs) {
      for (Pair<K, ?> record : output.buckets().get(partition)) {
        task.checkCancelled();
        if (combined) {
          merged.merge(record.key(), (C) record.value(), aggregator.mergeCombiners());
        } else {
          merged.put(record.key(), aggregator.fold(merged.get(record.key()), (V) record.value()));
        }
      }
    }
    return Iterators.map(merged.entrySet().iterator(), e -> new Pair<>(e.getKey(), e.getValue()));
  }
}
