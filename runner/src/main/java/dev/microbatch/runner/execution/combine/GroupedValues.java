package dev.microbatch.runner.execution.combine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.UserCodeException;

/**
 * A GroupByKey as a Combine: a key's accumulator in a window is its values, in the order they came,
 * so that a GroupByKey whose windows fire one pane each runs as {@link SinglePaneCombineStep} does,
 * without ReduceFnRunner's state and timers for every key. Each value is a copy made through the
 * value coder, as a shuffle that distributes them makes it: what the coder does not keep is not
 * grouped, and a coder that fails fails the pipeline.
 */
@Internal
public final class GroupedValues<V> extends CombineFn<V, List<V>, Iterable<V>> {
  private final Coder<V> valueCoder;

  public GroupedValues(Coder<V> valueCoder) {
    this.valueCoder = valueCoder;
  }

  @Override
  public List<V> createAccumulator() {
    return new ArrayList<>();
  }

  @Override
  public List<V> addInput(List<V> values, V value) {
    try {
      values.add(CoderUtils.clone(valueCoder, value));
    } catch (CoderException e) {
      throw UserCodeException.wrap(e);
    }
    return values;
  }

  /** Adds the others' values to the first list: each value is copied once, however many merges. */
  @Override
  public List<V> mergeAccumulators(Iterable<List<V>> accumulators) {
    Iterator<List<V>> lists = accumulators.iterator();
    List<V> merged = lists.next();
    lists.forEachRemaining(merged::addAll);
    return merged;
  }

  @Override
  public Iterable<V> extractOutput(List<V> values) {
    return values;
  }

  @Override
  public Coder<List<V>> getAccumulatorCoder(CoderRegistry registry, Coder<V> inputCoder)
      throws CannotProvideCoderException {
    return ListCoder.of(valueCoder);
  }
}
