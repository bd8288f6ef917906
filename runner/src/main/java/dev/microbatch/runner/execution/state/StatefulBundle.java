package dev.microbatch.runner.execution.state;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.OutputBuffer;
import dev.microbatch.runner.execution.dofn.TaggedValue;
import dev.microbatch.runner.execution.sideinput.KeyedSideInputs;
import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * One bundle of a stateful ParDo in streaming mode: the keys of one partition of a batch, each with
 * the state and timers it kept from the batches before, run through Beam's StatefulDoFnRunner by
 * one set-up instance of the user's DoFn. Its outputs are windowed values, or {@link TaggedValue}s
 * when the ParDo has several outputs.
 */
@Internal
public final class StatefulBundle<K, V, OutputT> implements KeyedStreamStep.Bundle<K, V, Object> {
  private final DoFnExecution<KV<K, V>, OutputT> execution;
  private final DoFn<KV<K, V>, OutputT> fn;
  private final KeyedStepContext step = new KeyedStepContext();
  private final OutputBuffer output;
  private final DoFnRunner<KV<K, V>, OutputT> bundleRunner;

  public StatefulBundle(DoFnExecution<KV<K, V>, OutputT> execution, TaskContext task) {
    this.execution = execution;
    this.fn = execution.instantiate(task);
    this.output = new OutputBuffer(execution.isMultiOutput());
    this.bundleRunner = execution.runner(fn, step, output, task);
    bundleRunner.startBundle();
  }

  /**
   * The new values (and those that waited for their side inputs, once ready) run at the watermark
   * of the batch before (values of windows that expired then are dropped as late); then the clocks
   * advance and due timers fire, in order.
   */
  @Override
  public List<Object> process(
      KeyState<K> key, List<WindowedValue<KV<K, V>>> values, Instant watermark, Instant now)
      throws Exception {
    DoFnRunner<KV<K, V>, OutputT> runner =
        StatefulParDoFunction.statefulRunner(
            fn, bundleRunner, step, execution, key.state(), key.timers());
    key.releaseFiredTimers();
    for (WindowedValue<KV<K, V>> value : KeyedSideInputs.ready(key, values, execution)) {
      runner.processElement(value);
    }
    KeyTimers.advanceTo(
        key.timers(),
        KeyedSideInputs.timersWatermark(key, watermark),
        now,
        timer -> fireHolding(runner, key, timer));
    return output.drain();
  }

  /** Fires a timer whose output timestamp holds the output watermark through this batch. */
  private static void fireHolding(DoFnRunner<?, ?> runner, KeyState<?> key, TimerData timer) {
    key.holdThroughBatch(timer.getOutputTimestamp());
    StatefulParDoFunction.fire(runner, key.key(), timer);
  }

  @Override
  public List<Object> finish() throws Exception {
    return DoFnExecution.finishBundle(bundleRunner, step, output);
  }
}
