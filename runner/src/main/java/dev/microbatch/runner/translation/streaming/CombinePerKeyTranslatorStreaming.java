package dev.microbatch.runner.translation.streaming;

import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.combine.LiftedCombine;
import dev.microbatch.runner.execution.combine.MergeAccumulators;
import dev.microbatch.runner.execution.combine.SinglePaneCombineStep;
import dev.microbatch.runner.execution.combine.WindowAccumulation;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Combine.PerKey lifted in streaming mode, where it applies in batch mode (see {@link
 * LiftedCombine#liftable}): each batch's partitions fold their values into one accumulator per key
 * and window, and only those cross the shuffle into the keys' state. Without allowed lateness each
 * window fires once, which {@link SinglePaneCombineStep} does; otherwise ReduceFnRunner keeps one
 * merged accumulator per window (not every value, as the expanded GroupByKey would) and fires its
 * on-time and late panes.
 */
final class CombinePerKeyTranslatorStreaming<K, InputT, AccumT, OutputT>
    implements StreamingTransformTranslator<Combine.PerKey<K, InputT, OutputT>> {

  @Override
  public boolean canTranslate(
      Combine.PerKey<K, InputT, OutputT> transform, StreamingTranslationContext context) {
    return LiftedCombine.liftable(transform, context.<KV<K, InputT>>input().getWindowingStrategy());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(
      Combine.PerKey<K, InputT, OutputT> transform, StreamingTranslationContext context) {
    PCollection<KV<K, InputT>> input = context.input();
    CombineFn<InputT, AccumT, OutputT> fn = (CombineFn<InputT, AccumT, OutputT>) transform.getFn();
    KvCoder<K, InputT> inputCoder = (KvCoder<K, InputT>) input.getCoder();
    Coder<K> keyCoder = inputCoder.getKeyCoder();
    Coder<AccumT> accumulatorCoder = LiftedCombine.accumulatorCoder(fn, input);
    WindowingStrategy<?, BoundedWindow> windowing =
        (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy();
    if (SinglePaneCombineStep.applies(windowing)) {
      SinglePaneCombineStep<K, InputT, AccumT, OutputT> step =
          new SinglePaneCombineStep<>(input, fn, keyCoder, accumulatorCoder, context);
      context.setOutput(step.output(), step.watermark());
      return;
    }
    // ReduceFnRunner judges each partial as one value: its timestamp, that of all the values it
    // folds, against the output watermark. So does Beam's DirectRunner (MultiStepCombine).
    DStream<WindowedValue<KV<K, AccumT>>> partial =
        context.<KV<K, InputT>>stream(input)
            .transform(
                (records, time) ->
                    records.mapPartitions(
                        (values, task) ->
                            LiftedCombine.combineInPartition(
                                    values,
                                    fn,
                                    keyCoder,
                                    windowing,
                                    window -> false,
                                    () -> {},
                                    BoundedWindow.TIMESTAMP_MIN_VALUE)
                                .stream()
                                .map(WindowAccumulation::partial)
                                .iterator()));
    GroupAlsoByWindow<K, AccumT, OutputT, BoundedWindow> merge =
        new GroupAlsoByWindow<>(
            windowing,
            SystemReduceFn.combining(
                keyCoder,
                AppliedCombineFn.withAccumulatorCoder(
                    new MergeAccumulators<>(fn, accumulatorCoder), accumulatorCoder)),
            context);
    KeyedStreamStep<K, AccumT, WindowedValue<KV<K, OutputT>>> step =
        KeyedStreamStep.of(
            partial,
            KvCoder.of(keyCoder, accumulatorCoder),
            input,
            context,
            (time, task) -> merge::process,
            KeyState::earliestHold);
    context.setOutput(step.output(), step.watermark());
  }
}
