package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.KeyGroup;
import dev.microbatch.engine.shuffle.RecordSerializer;
import dev.microbatch.engine.shuffle.ShuffleCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An immutable, partitioned collection (Spark's RDD): each partition is computed by a function of
 * its parents' partitions. Narrow operations return lazily chained datasets, so a chain of them
 * runs as one pass per partition; a shuffle starts a new stage.
 */
public abstract class Dataset<T> {
  private final EngineContext context;
  private final int id;
  private volatile PartitionCache<T> cache;
  private volatile String name;

  protected Dataset(EngineContext context) {
    this.context = context;
    this.id = context.nextId();
  }

  public abstract int numPartitions();

  public abstract List<Dependency> dependencies();

  /** Computes one partition; called by {@link #iterator} unless the partition is cached. */
  protected abstract Iterator<T> compute(int partition, TaskContext task);

  public final EngineContext context() {
    return context;
  }

  /** Names this dataset (for progress reports: what a stage computes); returns it. */
  public Dataset<T> named(String name) {
    this.name = name;
    return this;
  }

  /** Its name, if it was given one. */
  public final Optional<String> name() {
    return Optional.ofNullable(name);
  }

  public final int id() {
    return id;
  }

  /** The records of one partition, from the cache if this dataset is cached. */
  public final Iterator<T> iterator(int partition, TaskContext task) {
    PartitionCache<T> c = cache;
    return task.read(
        this,
        c == null
            ? compute(partition, task)
            : c.getOrCompute(partition, () -> compute(partition, task)));
  }

  /**
   * Keeps each partition in memory once computed, so that several consumers do not compute it again
   * (and user functions in it do not run twice).
   */
  public Dataset<T> cache() {
    if (cache == null) {
      cache = new PartitionCache<>(numPartitions());
    }
    return this;
  }

  public <U> Dataset<U> mapPartitions(PartitionFunction<T, U> fn) {
    return new MapPartitionsDataset<>(this, fn, List.of());
  }

  /** Like {@link #mapPartitions}, for a function that reads broadcasts inside its tasks. */
  public <U> Dataset<U> mapPartitions(PartitionFunction<T, U> fn, List<Broadcast<?>> broadcasts) {
    return new MapPartitionsDataset<>(this, fn, broadcasts);
  }

  /**
   * Partition i of this dataset and partition i of {@code other}, which must have as many, read
   * together by {@code fn} in one task.
   */
  public <B, U> Dataset<U> zipPartitions(Dataset<B> other, ZipFunction<T, B, U> fn) {
    return new ZippedPartitionsDataset<>(this, other, fn, List.of());
  }

  /** Like {@link #zipPartitions}, for a function that reads broadcasts inside its tasks. */
  public <B, U> Dataset<U> zipPartitions(
      Dataset<B> other, ZipFunction<T, B, U> fn, List<Broadcast<?>> broadcasts) {
    return new ZippedPartitionsDataset<>(this, other, fn, broadcasts);
  }

  public <U> Dataset<U> map(Function<T, U> fn) {
    return mapPartitions((input, task) -> Iterators.map(input, fn));
  }

  public <U> Dataset<U> flatMap(Function<T, ? extends Iterable<U>> fn) {
    return mapPartitions((input, task) -> Iterators.flatMap(input, fn));
  }

  public Dataset<T> filter(Predicate<T> keep) {
    return mapPartitions((input, task) -> Iterators.filter(input, keep));
  }

  @SafeVarargs
  public final Dataset<T> union(Dataset<T>... others) {
    Dataset<T>[] all = Arrays.copyOf(others, others.length + 1);
    System.arraycopy(others, 0, all, 1, others.length);
    all[0] = this;
    return new UnionDataset<>(context, Arrays.asList(all));
  }

  /**
   * Hash-partitions the records by {@code keyOf} into {@code numPartitions} partitions and folds
   * each key's values with {@code aggregator}; with {@code mapSideCombine} each map task folds its
   * own values first, so only one combiner per key and map task crosses the shuffle.
   */
  public <K, V, C> Dataset<Pair<K, C>> combineByKey(
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      Aggregator<V, C> aggregator,
      int numPartitions,
      boolean mapSideCombine) {
    return combineByKey(keyOf, valueOf, aggregator, numPartitions, mapSideCombine, null);
  }

  /**
   * {@link #combineByKey(Function, Function, Aggregator, int, boolean)} that spills to disk past
   * the context's {@link ShuffleMemory}, writing with {@code spillCodec} what crosses the shuffle:
   * each key's combiner with {@code mapSideCombine}, else each value. A null codec never spills.
   */
  public <K, V, C> Dataset<Pair<K, C>> combineByKey(
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      Aggregator<V, C> aggregator,
      int numPartitions,
      boolean mapSideCombine,
      ShuffleCodec<K, ?> spillCodec) {
    ShuffleDependency<T, K, V, C> dependency =
        new ShuffleDependency<>(
            context.nextId(),
            this,
            keyOf,
            valueOf,
            aggregator,
            mapSideCombine,
            spillCodec,
            numPartitions);
    return new ShuffledDataset<>(context, dependency);
  }

  /** All records of each key, in one list per key, in the order the map partitions saw them. */
  public <K> Dataset<Pair<K, List<T>>> groupByKey(Function<T, K> keyOf, int numPartitions) {
    return groupByKey(keyOf, numPartitions, null);
  }

  /**
   * {@link #groupByKey(Function, int)} that spills the records with {@code spillCodec} past the
   * context's budget.
   */
  public <K> Dataset<Pair<K, List<T>>> groupByKey(
      Function<T, K> keyOf, int numPartitions, ShuffleCodec<K, T> spillCodec) {
    return combineByKey(keyOf, t -> t, Aggregator.toList(), numPartitions, false, spillCodec);
  }

  /**
   * Every key of this dataset's records with its values, through a sort shuffle: each record
   * serialized into {@code numPartitions} partitions by a hash of its key's bytes, grouped by those
   * bytes, and spilled past the context's {@link ShuffleMemory}. Keys come out in no set order.
   */
  public Dataset<KeyGroup> groupByKeyBytes(RecordSerializer<T> serializer, int numPartitions) {
    return new SortShuffledDataset<>(
        context, new SortShuffleDependency<>(this, serializer, numPartitions));
  }

  /** The values of each key reduced with an associative function, combined on the map side. */
  public <K, V> Dataset<Pair<K, V>> reduceByKey(
      Function<T, K> keyOf, Function<T, V> valueOf, BinaryOperator<V> reduce, int numPartitions) {
    return combineByKey(keyOf, valueOf, Aggregator.reducing(reduce), numPartitions, true);
  }

  /** A value built from every record of this dataset, computed before the stages that read it. */
  public <R> Broadcast<R> broadcast(Function<List<T>, R> builder) {
    return new Broadcast<>(
        context.nextId(), this, partitions -> builder.apply(flatten(partitions)));
  }

  /**
   * Runs a job that computes every partition and returns them as a new dataset with no parents.
   * Streams that carry state from batch to batch use it to cut the lineage after each batch.
   */
  public Dataset<T> materialize() {
    Broadcast<Dataset<T>> snapshot =
        new Broadcast<>(
            context.nextId(),
            this,
            partitions -> new ParallelCollectionDataset<>(context, partitions));
    context.runJob(List.of(), List.of(snapshot));
    return snapshot.value();
  }

  private static <T> List<T> flatten(List<List<T>> partitions) {
    List<T> all = new ArrayList<>();
    partitions.forEach(all::addAll);
    return all;
  }

  /** Runs a job and returns every record, partition by partition. */
  public List<T> collect() {
    Broadcast<List<T>> all = broadcast(Collections::unmodifiableList);
    context.runJob(List.of(), List.of(all));
    return all.value();
  }

  public long count() {
    return collect().size();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "#" + id + "[" + numPartitions() + "]";
  }
}
