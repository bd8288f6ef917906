package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.stream.PartitionStateUpdateFunction.KeyUpdate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keyed state from batch to batch: the previous batch's state and this batch's records meet in one
 * shuffle, each key is updated, and the result is materialized so that the lineage of a batch never
 * reaches back further than the batch before it. A restarted job can start it from the state an
 * earlier run had after some batch.
 */
public final class StateDStream<T, K, V, S> extends DStream<Pair<K, S>> {
  private final DStream<T> parent;
  private final Function<T, K> keyOf;
  private final Function<T, V> valueOf;
  private final PartitionStateUpdateFunction<K, V, S> update;
  private List<Pair<K, S>> initialState = List.of();

  StateDStream(
      DStream<T> parent,
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      PartitionStateUpdateFunction<K, V, S> update) {
    super(parent.context());
    this.parent = parent;
    this.keyOf = keyOf;
    this.valueOf = valueOf;
    this.update = update;
    remember(parent.slideMillis());
  }

  @Override
  public List<DStream<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<Pair<K, S>> compute(long batchTime) {
    Dataset<T> input = parent.getOrCompute(batchTime);
    Dataset<Pair<K, S>> previous = getOrCompute(batchTime - slideMillis());
    if (previous == null && !initialState.isEmpty()) {
      previous = context().engine().parallelize(initialState, context().parallelism());
      initialState = List.of();
    }
    List<Dataset<Pair<K, Entry<V, S>>>> sides = new ArrayList<>();
    if (previous != null) {
      sides.add(previous.map(p -> new Pair<>(p.key(), Entry.<V, S>state(p.value()))));
    }
    if (input != null) {
      sides.add(input.map(r -> new Pair<>(keyOf.apply(r), Entry.<V, S>value(valueOf.apply(r)))));
    }
    return context()
        .engine()
        .union(sides)
        .combineByKey(
            Pair::key, Pair::value, Cell.<V, S>aggregator(), context().parallelism(), false)
        .<Pair<K, S>>mapPartitions(
            (cells, task) -> updated(batchTime, cells, task), update.broadcasts(batchTime))
        .materialize();
  }

  /** Before the context starts: the keys' state before the first batch. */
  public void startFrom(List<Pair<K, S>> state) {
    context().checkNotStarted("set the initial state of a stream");
    initialState = List.copyOf(state);
  }

  /** Every key's state after {@code batchTime}, the last completed batch. */
  public List<Pair<K, S>> stateAfter(long batchTime) {
    Dataset<Pair<K, S>> state = getOrCompute(batchTime);
    return state == null ? List.of() : state.collect();
  }

  private Iterator<Pair<K, S>> updated(
      long batchTime, Iterator<Pair<K, Cell<V, S>>> cells, TaskContext task) {
    Iterator<KeyUpdate<K, V, S>> keys =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return cells.hasNext();
          }

          @Override
          public KeyUpdate<K, V, S> next() {
            Pair<K, Cell<V, S>> keyed = cells.next();
            return new KeyUpdate<>(
                keyed.key(), keyed.value().values, Optional.ofNullable(keyed.value().state));
          }
        };
    return update.update(batchTime, keys, task);
  }

  /** One record of the shuffle: a key's previous state or one new value. */
  private record Entry<V, S>(V value, S state, boolean isState) {
    static <V, S> Entry<V, S> state(S state) {
      return new Entry<>(null, state, true);
    }

    static <V, S> Entry<V, S> value(V value) {
      return new Entry<>(value, null, false);
    }
  }

  /** A key's previous state and its new values, as the shuffle gathers them. */
  private static final class Cell<V, S> {
    private final List<V> values = new ArrayList<>();
    private S state;

    private Cell<V, S> add(Entry<V, S> entry) {
      if (entry.isState()) {
        state = entry.state();
      } else {
        values.add(entry.value());
      }
      return this;
    }

    private Cell<V, S> merge(Cell<V, S> other) {
      values.addAll(other.values);
      if (other.state != null) {
        state = other.state;
      }
      return this;
    }

    static <V, S> Aggregator<Entry<V, S>, Cell<V, S>> aggregator() {
      return new Aggregator<>(e -> new Cell<V, S>().add(e), Cell::add, Cell::merge);
    }
  }
}
