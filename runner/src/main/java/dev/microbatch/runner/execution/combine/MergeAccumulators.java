package dev.microbatch.runner.execution.combine;

import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * The reduce side of a lifted Combine: a CombineFn whose inputs are the accumulators the map side
 * made with {@code fn}, merged with {@code fn}, and whose output is {@code fn}'s.
 */
@Internal
public final class MergeAccumulators<InputT, AccumT, OutputT>
    extends CombineFn<AccumT, AccumT, OutputT> {
  private final CombineFn<InputT, AccumT, OutputT> fn;
  private final Coder<AccumT> accumulatorCoder;

  public MergeAccumulators(CombineFn<InputT, AccumT, OutputT> fn, Coder<AccumT> accumulatorCoder) {
    this.fn = fn;
    this.accumulatorCoder = accumulatorCoder;
  }

  @Override
  public AccumT createAccumulator() {
    return fn.createAccumulator();
  }

  @Override
  public AccumT addInput(AccumT accumulator, AccumT partial) {
    return fn.mergeAccumulators(List.of(accumulator, partial));
  }

  @Override
  public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
    return fn.mergeAccumulators(accumulators);
  }

  @Override
  public OutputT extractOutput(AccumT accumulator) {
    return fn.extractOutput(accumulator);
  }

  @Override
  public Coder<AccumT> getAccumulatorCoder(CoderRegistry registry, Coder<AccumT> inputCoder) {
    return accumulatorCoder;
  }
}
