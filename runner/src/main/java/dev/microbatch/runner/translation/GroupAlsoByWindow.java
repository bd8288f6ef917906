package dev.microbatch.runner.translation;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * The second half of GroupByKey: all values of one key, grouped by window and emitted as panes by
 * Beam's ReduceFnRunner, so merging windows, triggers, timestamp combiners and allowed lateness
 * behave as Beam defines them.
 */
final class GroupAlsoByWindow<K, V, W extends BoundedWindow> {
  private final WindowingStrategy<?, W> windowing;
  private final Coder<V> valueCoder;
  private final PipelineOptions options;

  GroupAlsoByWindow(
      WindowingStrategy<?, W> windowing, Coder<V> valueCoder, PipelineOptions options) {
    this.windowing = windowing;
    this.valueCoder = valueCoder;
    this.options = options;
  }

  List<WindowedValue<KV<K, Iterable<V>>>> apply(List<WindowedValue<KV<K, V>>> elements)
      throws Exception {
    K key = elements.get(0).getValue().getKey();
    List<WindowedValue<KV<K, Iterable<V>>>> panes = new ArrayList<>();
    InMemoryTimerInternals timers = BatchTimers.startingNow();
    ReduceFnRunner<K, V, Iterable<V>, W> runner =
        new ReduceFnRunner<>(
            key,
            windowing,
            ExecutableTriggerStateMachine.create(
                TriggerStateMachines.stateMachineForTrigger(
                    TriggerTranslation.toProto(windowing.getTrigger()))),
            InMemoryStateInternals.forKey(key),
            timers,
            panes::add,
            NullSideInputReader.empty(),
            SystemReduceFn.buffering(valueCoder),
            options);
    List<WindowedValue<V>> values = new ArrayList<>(elements.size());
    for (WindowedValue<KV<K, V>> element : elements) {
      values.add(WindowedValues.withValue(element, element.getValue().getValue()));
    }
    runner.processElements(values);
    BatchTimers.advanceToEndOfTime(timers, timer -> runner.onTimers(List.of(timer)));
    runner.persist();
    return panes;
  }
}
