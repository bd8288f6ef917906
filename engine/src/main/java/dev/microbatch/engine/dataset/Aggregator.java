package dev.microbatch.engine.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * How a shuffle folds the values of one key into a combiner: Spark's combineByKey triple.
 *
 * @param createCombiner turns the first value of a key into a combiner
 * @param mergeValue adds one more value to a combiner
 * @param mergeCombiners merges two combiners built on different partitions
 */
public record Aggregator<V, C>(
    Function<V, C> createCombiner,
    BiFunction<C, V, C> mergeValue,
    BinaryOperator<C> mergeCombiners) {

  /** Adds {@code value} to {@code existing}, or starts a combiner if there is none yet. */
  public C fold(C existing, V value) {
    return existing == null ? createCombiner.apply(value) : mergeValue.apply(existing, value);
  }

  /** Collects every value of a key into a list (group by key). */
  public static <V> Aggregator<V, List<V>> toList() {
    return new Aggregator<>(
        v -> {
          List<V> list = new ArrayList<>();
          list.add(v);
          return list;
        },
        (list, v) -> {
          list.add(v);
          return list;
        },
        (a, b) -> {
          a.addAll(b);
          return a;
        });
  }

  /** Reduces the values of a key with one associative function (reduceByKey). */
  public static <V> Aggregator<V, V> reducing(BinaryOperator<V> reduce) {
    return new Aggregator<>(v -> v, reduce, reduce);
  }
}
