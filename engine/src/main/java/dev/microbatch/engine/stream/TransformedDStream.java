package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** A stream whose dataset of a batch is a function of its parents' datasets of that batch. */
final class TransformedDStream<P, T> extends DStream<T> {
  private final List<DStream<P>> parents;
  private final BiFunction<List<Dataset<P>>, Long, Dataset<T>> fn;

  TransformedDStream(
      StreamingContext context,
      List<DStream<P>> parents,
      BiFunction<List<Dataset<P>>, Long, Dataset<T>> fn) {
    super(context);
    this.parents = List.copyOf(parents);
    this.fn = fn;
  }

  @Override
  public List<DStream<?>> dependencies() {
    return List.copyOf(parents);
  }

  @Override
  protected Dataset<T> compute(long batchTime) {
    List<Dataset<P>> inputs = new ArrayList<>();
    for (DStream<P> parent : parents) {
      Dataset<P> input = parent.getOrCompute(batchTime);
      if (input == null) {
        return null;
      }
      inputs.add(input);
    }
    return fn.apply(inputs, batchTime);
  }
}
