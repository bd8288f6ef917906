package dev.microbatch.runner.execution.combine;

import dev.microbatch.runner.execution.dofn.BundleIterator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * Combine.PerKey lifted into the shuffle, in either mode: when it applies, each map task folds its
 * values into one accumulator per key and window, and what the accumulators are coded with.
 */
@Internal
public final class LiftedCombine {
  private LiftedCombine() {}

  /**
   * Whether combining values before their shuffle gives exactly Beam's result: a plain CombineFn,
   * no side inputs, windows that do not merge, the default trigger (its panes count no elements).
   */
  public static boolean liftable(
      Combine.PerKey<?, ?, ?> transform, WindowingStrategy<?, ?> windowing) {
    return transform.getFn() instanceof CombineFn
        && transform.getSideInputs().isEmpty()
        && firesOncePerWindow(windowing);
  }

  /**
   * Windows that do not merge, and the default trigger: each key's window fires one pane in batch.
   */
  public static boolean firesOncePerWindow(WindowingStrategy<?, ?> windowing) {
    return windowing.getWindowFn().isNonMerging()
        && windowing.getTrigger() instanceof DefaultTrigger;
  }

  /**
   * Streaming mode's map side: one partition's values folded into one accumulator per key and
   * window, leaving out (and telling {@code dropped} of) each value in a window {@code expired}
   * says is past; the values arrive at the step's output watermark {@code outputWatermark} (see
   * {@link WindowAccumulation}). Values a fused DoFn outputs are folded as they come, none built
   * into a windowed value.
   */
  public static <K, InputT, AccumT> List<WindowAccumulation<K, AccumT>> combineInPartition(
      Iterator<WindowedValue<KV<K, InputT>>> values,
      CombineFn<InputT, AccumT, ?> fn,
      Coder<K> keyCoder,
      WindowingStrategy<?, ?> windowing,
      Predicate<BoundedWindow> expired,
      Runnable dropped,
      Instant outputWatermark) {
    PartitionCombiner<K, InputT, AccumT> combiner =
        new PartitionCombiner<>(
            fn, keyCoder, windowing.getTimestampCombiner(), expired, dropped, outputWatermark);
    BundleIterator.forEach(values, combiner);
    return combiner.accumulations();
  }

  /**
   * The CombineFn's accumulator coder; IllegalStateException naming the CombineFn if it has none.
   */
  public static <K, InputT, AccumT> Coder<AccumT> accumulatorCoder(
      CombineFn<InputT, AccumT, ?> fn, PCollection<KV<K, InputT>> input) {
    try {
      return accumulatorCoderOrThrow(fn, input);
    } catch (CannotProvideCoderException e) {
      throw new IllegalStateException(
          "No coder for the accumulators of " + fn + ": " + e.getMessage(), e);
    }
  }

  public static <K, InputT, AccumT> Coder<AccumT> accumulatorCoderOrThrow(
      CombineFn<InputT, AccumT, ?> fn, PCollection<KV<K, InputT>> input)
      throws CannotProvideCoderException {
    return fn.getAccumulatorCoder(
        input.getPipeline().getCoderRegistry(),
        ((KvCoder<K, InputT>) input.getCoder()).getValueCoder());
  }
}
