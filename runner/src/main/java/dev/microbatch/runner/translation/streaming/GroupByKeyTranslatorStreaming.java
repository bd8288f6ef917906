package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.combine.GroupedValues;
import dev.microbatch.runner.execution.combine.LiftedCombine;
import dev.microbatch.runner.execution.combine.SinglePaneCombineStep;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * GroupByKey in streaming mode. Where each window fires one pane (the default trigger, windows that
 * do not merge, no allowed lateness), the values are grouped as a Combine whose accumulator is the
 * window's values ({@link GroupedValues} in a {@link SinglePaneCombineStep}): the same panes,
 * timestamps and watermark as ReduceFnRunner's, without a key's trigger state and timers. Otherwise
 * every key keeps its windows' buffered values, trigger state and timers from batch to batch, and
 * ReduceFnRunner fires panes as this batch's input watermark and processing time make them due. The
 * output watermark is held back by ReduceFnRunner's holds.
 */
final class GroupByKeyTranslatorStreaming<K, V>
    implements StreamingTransformTranslator<GroupByKey<K, V>> {

  @Override
  public void translate(GroupByKey<K, V> transform, StreamingTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    if (LiftedCombine.firesOncePerWindow(windowing) && SinglePaneCombineStep.applies(windowing)) {
      KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
      GroupedValues<V> fn = new GroupedValues<>(coder.getValueCoder());
      SinglePaneCombineStep<K, V, ?, Iterable<V>> step =
          new SinglePaneCombineStep<>(
              input, fn, coder.getKeyCoder(), LiftedCombine.accumulatorCoder(fn, input), context);
      context.setOutput(step.output(), step.watermark());
      return;
    }
    GroupAlsoByWindow<K, V, Iterable<V>, BoundedWindow> groupAlsoByWindow =
        GroupAlsoByWindow.of(input, context);
    KeyedStreamStep<K, V, WindowedValue<KV<K, Iterable<V>>>> step =
        KeyedStreamStep.of(
            input, context, (time, task) -> groupAlsoByWindow::process, KeyState::earliestHold);
    context.setOutput(step.output(), step.watermark());
  }
}
