package dev.microbatch.runner.translation.streaming;

import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * GroupByKey in streaming mode: every key keeps its windows' buffered values, trigger state and
 * timers from batch to batch, and ReduceFnRunner fires panes as this batch's input watermark and
 * processing time make them due. The output watermark is held back by ReduceFnRunner's holds.
 */
final class GroupByKeyTranslatorStreaming<K, V>
    implements StreamingTransformTranslator<GroupByKey<K, V>> {

  @Override
  public void translate(GroupByKey<K, V> transform, StreamingTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    GroupAlsoByWindow<K, V, Iterable<V>, BoundedWindow> groupAlsoByWindow =
        GroupAlsoByWindow.of(input, context);
    KeyedStreamStep<K, V, WindowedValue<KV<K, Iterable<V>>>> step =
        KeyedStreamStep.of(
            input, context, (time, task) -> groupAlsoByWindow::process, KeyState::earliestHold);
    context.setOutput(step.output(), step.watermark());
  }
}
