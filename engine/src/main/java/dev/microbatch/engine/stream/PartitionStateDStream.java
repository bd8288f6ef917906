package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Aggregator;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Keyed state kept where it is from batch to batch (as Spark's mapWithState keeps it): only the
 * batch's new records cross a shuffle, hash-partitioned by key as every batch's are, so the new
 * values of a key meet its state in the partition that holds it. Each partition's state is one
 * object that moves from the partition of one batch to that of the next and is updated in place; a
 * batch's state is current until the next batch runs, which is when checkpoints read it. So a batch
 * costs its records and what the function chooses to look at, not every key there is, which {@link
 * StateDStream} pays.
 *
 * <p>The stream's records are one per partition: its state and its output of the batch. {@link
 * #outputs()} is the stream of the outputs.
 */
public final class PartitionStateDStream<T, K, V, P, O>
    extends DStream<PartitionStateDStream.StatePartition<P, O>> {
  private final DStream<T> parent;
  private final Function<T, K> keyOf;
  private final Function<T, V> valueOf;
  private final PartitionStateFunction<K, V, P, O> function;
  private List<T> firstRecords = List.of();

  PartitionStateDStream(
      DStream<T> parent,
      Function<T, K> keyOf,
      Function<T, V> valueOf,
      PartitionStateFunction<K, V, P, O> function) {
    super(parent.context());
    this.parent = parent;
    this.keyOf = keyOf;
    this.valueOf = valueOf;
    this.function = function;
    remember(parent.slideMillis());
  }

  /** One partition after a batch: its state, and what it output in the batch. */
  public record StatePartition<P, O>(P state, List<O> outputs) {}

  @Override
  public List<DStream<?>> dependencies() {
    return List.of(parent);
  }

  @Override
  protected Dataset<StatePartition<P, O>> compute(long batchTime) {
    int partitions = context().parallelism();
    Dataset<StatePartition<P, O>> previous = getOrCompute(batchTime - slideMillis());
    Dataset<P> states =
        previous != null ? previous.map(StatePartition::state) : this.<P>emptyPartitions();
    List<Dataset<T>> sides = new ArrayList<>();
    Dataset<T> input = parent.getOrCompute(batchTime);
    if (input != null) {
      sides.add(input);
    }
    if (!firstRecords.isEmpty()) {
      sides.add(context().engine().parallelize(firstRecords, partitions));
      firstRecords = List.of();
    }
    Dataset<Pair<K, List<V>>> values =
        sides.isEmpty()
            ? this.<Pair<K, List<V>>>emptyPartitions()
            : context()
                .engine()
                .union(sides)
                .combineByKey(keyOf, valueOf, Aggregator.toList(), partitions, false);
    return states
        .<Pair<K, List<V>>, StatePartition<P, O>>zipPartitions(
            values,
            (state, newValues, task) -> {
              P partition = state.hasNext() ? state.next() : function.newState();
              List<O> out = function.update(batchTime, partition, newValues, task);
              return List.of(new StatePartition<>(partition, out)).iterator();
            },
            function.broadcasts(batchTime))
        .materialize();
  }

  /** As many empty partitions as the state has. */
  private <X> Dataset<X> emptyPartitions() {
    return context().engine().parallelize(List.of(), context().parallelism());
  }

  /** The outputs of each batch. */
  public DStream<O> outputs() {
    return transform((partitions, time) -> partitions.flatMap(StatePartition::outputs));
  }

  /**
   * Before the context starts: records the first batch takes as if they had come with it, such as
   * the state an earlier run checkpointed, written as records.
   */
  public void startWith(List<T> records) {
    context().checkNotStarted("set the records a stream starts with");
    firstRecords = List.copyOf(records);
  }

  /** The state of each partition after {@code batchTime}, until the next batch runs. */
  public List<P> statesAfter(long batchTime) {
    Dataset<StatePartition<P, O>> after = getOrCompute(batchTime);
    if (after == null) {
      return List.of();
    }
    return after.collect().stream().map(StatePartition::state).toList();
  }
}
