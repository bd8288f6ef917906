package dev.microbatch.runner.execution.state;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.runner.execution.StepEnvironment;
import dev.microbatch.runner.execution.dofn.BundleIterator;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.OutputBuffer;
import dev.microbatch.runner.execution.shuffle.CoderSpillCodec;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A stateful ParDo in batch: the input is shuffled by key (Beam's key equality: encoded bytes),
 * then each key's elements run through Beam's StatefulDoFnRunner with in-memory state and timers.
 * Once a key's elements are in, its watermark and clocks jump to the end of time and every timer
 * that becomes due fires, in order, including timers set by other timers.
 */
@Internal
public final class StatefulParDoFunction {
  private StatefulParDoFunction() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <InputT, OutputT> Dataset<Object> apply(
      Dataset<WindowedValue<InputT>> input,
      DoFnExecution<InputT, OutputT> execution,
      StepEnvironment context) {
    if (!(execution.inputCoder() instanceof KvCoder)) {
      throw new IllegalStateException(
          "Stateful DoFn " + context.stepName() + " needs KV input, got " + execution.inputCoder());
    }
    Coder<Object> keyCoder = ((KvCoder) execution.inputCoder()).getKeyCoder();
    Function<WindowedValue<InputT>, Object> keyOf =
        wv -> keyCoder.structuralValue(((KV<Object, ?>) wv.getValue()).getKey());
    Dataset<Pair<Object, List<WindowedValue<InputT>>>> groups =
        input.groupByKey(
            keyOf, context.parallelism(), CoderSpillCodec.forElements(context.input(), keyOf));
    return groups.mapPartitions(
        (keyGroups, task) -> {
          if (!keyGroups.hasNext()) {
            return Collections.emptyIterator();
          }
          DoFn<InputT, OutputT> fn = execution.instantiate(task);
          KeyedStepContext step = new KeyedStepContext();
          OutputBuffer output = new OutputBuffer(execution.isMultiOutput());
          DoFnRunner<InputT, OutputT> runner = execution.runner(fn, step, output, task);
          runner.startBundle();
          return new BundleIterator<>(
              keyGroups,
              group -> processKey(group.value(), fn, runner, step, execution),
              () -> {
                runner.finishBundle();
                DoFnExecution.finalizeBundle(step.finalizer());
              },
              output.queue());
        },
        execution.broadcasts());
  }

  @SuppressWarnings("unchecked")
  private static <InputT, OutputT> void processKey(
      List<WindowedValue<InputT>> elements,
      DoFn<InputT, OutputT> fn,
      DoFnRunner<InputT, OutputT> simpleRunner,
      KeyedStepContext step,
      DoFnExecution<InputT, OutputT> execution)
      throws Exception {
    Object key = ((KV<Object, ?>) elements.get(0).getValue()).getKey();
    InMemoryStateInternals<Object> state = InMemoryStateInternals.forKey(key);
    InMemoryTimerInternals timers =
        KeyTimers.startingAt(BoundedWindow.TIMESTAMP_MIN_VALUE, Instant.now());
    DoFnRunner<InputT, OutputT> runner =
        statefulRunner(fn, simpleRunner, step, execution, state, timers);
    for (WindowedValue<InputT> element : elements) {
      runner.processElement(element);
    }
    KeyTimers.advanceToEndOfTime(timers, timer -> fire(runner, key, timer));
  }

  /**
   * Beam's StatefulDoFnRunner around {@code simpleRunner} for one key's state and timers, which
   * become those of {@code step}: it drops late elements and clears a window's state when the
   * window expires.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <InputT, OutputT, W extends BoundedWindow> DoFnRunner<InputT, OutputT> statefulRunner(
      DoFn<InputT, OutputT> fn,
      DoFnRunner<InputT, OutputT> simpleRunner,
      KeyedStepContext step,
      DoFnExecution<InputT, OutputT> execution,
      StateInternals state,
      InMemoryTimerInternals timers) {
    step.setKey(state, timers);
    WindowingStrategy<?, W> windowing = (WindowingStrategy<?, W>) execution.windowingStrategy();
    return DoFnRunners.defaultStatefulDoFnRunner(
        fn,
        execution.inputCoder(),
        simpleRunner,
        step,
        windowing,
        new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(timers, windowing),
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(
            fn, state, windowing.getWindowFn().windowCoder()),
        true);
  }

  /** Fires one of a key's timers through its stateful runner. */
  static void fire(DoFnRunner<?, ?> runner, Object key, TimerData timer) {
    BoundedWindow window = ((StateNamespaces.WindowNamespace<?>) timer.getNamespace()).getWindow();
    runner.onTimer(
        timer.getTimerId(),
        timer.getTimerFamilyId(),
        key,
        window,
        timer.getTimestamp(),
        timer.getOutputTimestamp(),
        timer.getDomain());
  }
}
