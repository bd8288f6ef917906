package dev.microbatch.runner.execution.state;

import dev.microbatch.runner.execution.StepEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * The second half of GroupByKey: the values of one key, grouped by window and emitted as panes by
 * Beam's ReduceFnRunner, so merging windows, triggers, timestamp combiners and allowed lateness
 * behave as Beam defines them. In batch mode a key's values all come at once; in streaming mode
 * they come batch by batch into the key's {@link KeyState}. A GroupByKey buffers the values ({@link
 * SystemReduceFn#buffering}); a lifted Combine keeps one accumulator per window ({@link
 * SystemReduceFn#combining}).
 */
@Internal
public final class GroupAlsoByWindow<K, V, OutputT, W extends BoundedWindow> {
  private final WindowingStrategy<?, W> windowing;
  private final SystemReduceFn<K, V, ?, OutputT, W> reduceFn;
  private final PipelineOptions options;

  /**
   * Immutable: its state lives in each key's state, so every key shares it, as in Beam's runners.
   */
  private final ExecutableTriggerStateMachine trigger;

  /**
   * The late values dropped, as the step's metric {@code droppedDueToLateness}, as Beam reports it.
   */
  private final CounterCell dropped;

  /** What a value becomes on its way into the reduce: itself, or its copy through its coder. */
  private final ThroughShuffle<V> throughShuffle;

  /** A value's way into the reduce; may throw its coder's exception. */
  interface ThroughShuffle<V> {
    public V apply(V value) throws CoderException;
  }

  /** Groups by window for the step {@code context} is applying. */
  public GroupAlsoByWindow(
      WindowingStrategy<?, W> windowing,
      SystemReduceFn<K, V, ?, OutputT, W> reduceFn,
      StepEnvironment context) {
    this(windowing, reduceFn, context, value -> value);
  }

  private GroupAlsoByWindow(
      WindowingStrategy<?, W> windowing,
      SystemReduceFn<K, V, ?, OutputT, W> reduceFn,
      StepEnvironment context,
      ThroughShuffle<V> throughShuffle) {
    this.throughShuffle = throughShuffle;
    this.windowing = windowing;
    this.reduceFn = reduceFn;
    this.options = context.options();
    this.trigger =
        ExecutableTriggerStateMachine.create(
            TriggerStateMachines.stateMachineForTrigger(
                TriggerTranslation.toProto(windowing.getTrigger())));
    this.dropped = droppedDueToLateness(context);
  }

  /** The step's counter of late values dropped, named as Beam's runners name it. */
  public static CounterCell droppedDueToLateness(StepEnvironment context) {
    return context
        .metrics()
        .step(context.stepName())
        .getCounter(
            MetricName.named(
                LateDataDroppingDoFnRunner.class,
                LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS));
  }

  /**
   * A GroupByKey: groups {@code input}'s values by window as its windowing strategy says. Each
   * value crosses the shuffle as its coder's bytes, as on every runner that distributes the shuffle
   * and on the DirectRunner: what the coder does not keep is not grouped, and a coder that fails
   * fails the pipeline here, not only on Flink or Spark.
   */
  @SuppressWarnings("unchecked")
  public static <K, V> GroupAlsoByWindow<K, V, Iterable<V>, BoundedWindow> of(
      PCollection<KV<K, V>> input, StepEnvironment context) {
    Coder<V> valueCoder = ((KvCoder<K, V>) input.getCoder()).getValueCoder();
    return new GroupAlsoByWindow<>(
        (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy(),
        SystemReduceFn.buffering(valueCoder),
        context,
        value -> CoderUtils.clone(valueCoder, value));
  }

  /** Batch mode: every value of one key, then the end of time. */
  public List<WindowedValue<KV<K, OutputT>>> apply(List<WindowedValue<KV<K, V>>> elements)
      throws Exception {
    K key = elements.get(0).getValue().getKey();
    return process(
        new KeyState<>(key, BoundedWindow.TIMESTAMP_MIN_VALUE, Instant.now()),
        elements,
        BoundedWindow.TIMESTAMP_MAX_VALUE,
        BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  /**
   * Streaming mode: one batch of a key's values, processed at the watermark of the batch before
   * (values in windows already expired then are dropped as late), then the clocks advance to this
   * batch's watermark and processing time and the due panes fire.
   */
  public List<WindowedValue<KV<K, OutputT>>> process(
      KeyState<K> key,
      List<WindowedValue<KV<K, V>>> elements,
      Instant inputWatermark,
      Instant processingTime)
      throws Exception {
    List<WindowedValue<KV<K, OutputT>>> panes = new ArrayList<>();
    ReduceFnRunner<K, V, OutputT, W> runner =
        new ReduceFnRunner<>(
            key.key(),
            windowing,
            trigger,
            key.state(),
            key.timers(),
            panes::add,
            NullSideInputReader.empty(),
            reduceFn,
            options);
    List<WindowedValue<V>> values = new ArrayList<>(elements.size());
    for (WindowedValue<KV<K, V>> element : elements) {
      values.add(
          WindowedValues.withValue(element, throughShuffle.apply(element.getValue().getValue())));
    }
    KeyTimers.fireDueSynchronizedProcessingTimers(key.timers(), runner::onTimers);
    runner.processElements(
        LateDataUtils.dropExpiredWindows(key.key(), values, key.timers(), windowing, dropped));
    KeyTimers.advanceToFiringTogether(
        key.timers(), inputWatermark, processingTime, runner::onTimers);
    runner.persist();
    return panes;
  }
}
