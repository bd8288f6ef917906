package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.dataset.PartitionFunction;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A discretized stream (Spark's DStream): a sequence of datasets, one per batch time, each computed
 * from the parents' datasets of that time. Datasets of a batch are generated on the batch thread,
 * once, and forgotten when no later batch needs them.
 */
public abstract class DStream<T> {
  private final StreamingContext context;
  private final NavigableMap<Long, Dataset<T>> generated = new TreeMap<>();
  private long rememberMillis;

  protected DStream(StreamingContext context) {
    context.checkNotStarted("add a stream");
    this.context = context;
  }

  public final StreamingContext context() {
    return context;
  }

  public abstract List<DStream<?>> dependencies();

  /** The interval between two datasets of this stream; a multiple of the batch interval. */
  public long slideMillis() {
    return dependencies().get(0).slideMillis();
  }

  /** Computes this stream's dataset for {@code batchTime}, or null if it has none then. */
  protected abstract Dataset<T> compute(long batchTime);

  /** The dataset of {@code batchTime}, computed at most once; null at times off the slide. */
  public final Dataset<T> getOrCompute(long batchTime) {
    if (!isTimeValid(batchTime)) {
      return null;
    }
    if (!generated.containsKey(batchTime)) {
      generated.put(batchTime, compute(batchTime));
    }
    return generated.get(batchTime);
  }

  final boolean isTimeValid(long batchTime) {
    long sinceStart = batchTime - context.zeroTime();
    return sinceStart > 0 && sinceStart % slideMillis() == 0;
  }

  /** Keeps at least {@code millis} of past datasets, for a window or state that reads them. */
  final void remember(long millis) {
    rememberMillis = Math.max(rememberMillis, millis);
    dependencies().forEach(parent -> parent.remember(millis));
  }

  /** Drops the datasets no batch after {@code batchTime} can read. */
  final void forgetBefore(long batchTime) {
    generated.headMap(batchTime - Math.max(rememberMillis, slideMillis()), true).clear();
    dependencies().forEach(parent -> parent.forgetBefore(batchTime));
  }

  // ---- transformations ----

  /** Each batch's dataset transformed by {@code fn}, which also gets the batch time. */
  public <U> DStream<U> transform(BiFunction<Dataset<T>, Long, Dataset<U>> fn) {
    return new TransformedDStream<>(
        context, List.of(this), (parents, time) -> fn.apply(parents.get(0), time));
  }

  public <U> DStream<U> mapPartitions(PartitionFunction<T, U> fn) {
    return transform((d, time) -> d.mapPartitions(fn));
  }

  public <U> DStream<U> map(Function<T, U> fn) {
    return transform((d, time) -> d.map(fn));
  }

  public <U> DStream<U> flatMap(Function<T, ? extends Iterable<U>> fn) {
    return transform((d, time) -> d.flatMap(fn));
  }

  public DStream<T> filter(Predicate<T> keep) {
    return transform((d, time) -> d.filter(keep));
  }

  /** The records of this stream and of {@code others}, batch by batch; slides must agree. */
  @SafeVarargs
  public final DStream<T> union(DStream<T>... others) {
    List<DStream<T>> all = new ArrayList<>();
    all.add(this);
    all.addAll(List.of(others));
    for (DStream<T> other : others) {
      if (other.slideMillis() != slideMillis()) {
        throw new IllegalArgumentException(
            "Cannot union streams with different slides: "
                + slideMillis()
                + " ms and "
                + other.slideMillis()
                + " ms");
      }
    }
    return new TransformedDStream<>(
        context, all, (parents, time) -> context.engine().union(parents));
  }

  /** Per batch: the shuffle of the dataset layer, with {@code parallelism} partitions. */
  public <K, V, C> DStream<Pair<K, C>> combineByKey(
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      Aggregator<V, C> aggregator,
      boolean mapSideCombine) {
    return transform(
        (d, time) ->
            d.combineByKey(keyOf, valueOf, aggregator, context.parallelism(), mapSideCombine));
  }

  /** Per batch: each key's values reduced with an associative function. */
  public <K, V> DStream<Pair<K, V>> reduceByKey(
      Function<T, K> keyOf, Function<T, V> valueOf, BinaryOperator<V> reduce) {
    return combineByKey(keyOf, valueOf, Aggregator.reducing(reduce), true);
  }

  /**
   * Every {@code slide}, the records of the last {@code length}; both must be multiples of this
   * stream's slide.
   */
  public DStream<T> window(Duration length, Duration slide) {
    return new WindowedDStream<>(this, length.toMillis(), slide.toMillis());
  }

  /** {@link #window} then {@link #reduceByKey}. */
  public <K, V> DStream<Pair<K, V>> reduceByKeyAndWindow(
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      BinaryOperator<V> reduce,
      Duration length,
      Duration slide) {
    return window(length, slide).reduceByKey(keyOf, valueOf, reduce);
  }

  /**
   * Keyed state carried from batch to batch (Spark's updateStateByKey): every batch, each key with
   * new values or with state gets {@code update(newValues, state)}; an empty result drops the key's
   * state. The stream holds each key's state after the batch.
   */
  public <K, V, S> DStream<Pair<K, S>> updateStateByKey(
      Function<T, K> keyOf, Function<T, V> valueOf, StateUpdateFunction<V, S> update) {
    return updateStateByKey(
        keyOf, valueOf, (time, key, values, state) -> update.update(values, state));
  }

  /**
   * {@link #updateStateByKey(Function, Function, StateUpdateFunction)}, told the batch and the key.
   */
  public <K, V, S> DStream<Pair<K, S>> updateStateByKey(
      Function<T, K> keyOf, Function<T, V> valueOf, KeyedStateUpdateFunction<K, V, S> update) {
    return updateStateByKey(keyOf, valueOf, PartitionStateUpdateFunction.perKey(update));
  }

  /**
   * {@link #updateStateByKey(Function, Function, StateUpdateFunction)} with one call per partition
   * of the batch, which updates every key of that partition.
   */
  public <K, V, S> StateDStream<T, K, V, S> updateStateByKey(
      Function<T, K> keyOf, Function<T, V> valueOf, PartitionStateUpdateFunction<K, V, S> update) {
    return new StateDStream<>(this, keyOf, valueOf, update);
  }

  /**
   * Keyed state kept in place, partition by partition (as Spark's mapWithState): every batch, each
   * partition's {@code function} updates the partition's state with the keys that have new values
   * and outputs what it chooses. Unlike {@link #updateStateByKey}, a batch does not touch the keys
   * that have no new values unless the function does.
   */
  public <K, V, P, O> PartitionStateDStream<T, K, V, P, O> updatePartitionState(
      Function<T, K> keyOf, Function<T, V> valueOf, PartitionStateFunction<K, V, P, O> function) {
    return new PartitionStateDStream<>(this, keyOf, valueOf, function);
  }

  // ---- output operations ----

  /** Runs {@code action} on every batch's dataset (Spark's foreachRDD). */
  public void foreachBatch(BiConsumer<Dataset<T>, Long> action) {
    context.addOutput(new ForEachDStream<>(this, action));
  }

  /** Prints the first ten records of every batch to standard output, as Spark does. */
  public void print() {
    print(10);
  }

  public void print(int num) {
    print(num, System.out);
  }

  /** Prints the first {@code num} records of every batch to {@code out}. */
  public void print(int num, PrintStream out) {
    foreachBatch((dataset, time) -> MicroBatchPrinter.print(dataset.collect(), time, num, out));
  }
}
