package dev.microbatch.runner.execution.splittable;

import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.runner.execution.StepEnvironment;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.dofn.OutputBuffer;
import dev.microbatch.runner.execution.sideinput.KeyedSideInputs;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyTimers;
import dev.microbatch.runner.execution.state.KeyedStepContext;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.construction.SplittableParDo.ProcessKeyedElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * One bundle of a splittable DoFn, run through runners-core's ProcessFn: each call processes an
 * element's restriction (or resumes its residual) for a bounded time and number of outputs, then
 * checkpoints; the residual waits in the element's state (its key is unique) for the
 * processing-time timer ProcessFn sets, and holds the output watermark meanwhile.
 */
@Internal
public final class SplittableBundle<InputT, OutputT, RestrictionT>
    implements KeyedStreamStep.Bundle<byte[], KV<InputT, RestrictionT>, Object> {
  private static final AtomicInteger CHECKPOINT_THREADS = new AtomicInteger();
  private static final int MAX_OUTPUTS_PER_CALL = 10_000;
  private static final long MIN_CALL_MILLIS = 5;

  private final KeyedStepContext step = new KeyedStepContext();
  private final DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution;
  private final OutputBuffer output;
  private final ProcessFn<InputT, OutputT, RestrictionT, ?, ?> processFn;
  private final ScheduledExecutorService checkpoints;
  private final long timeSlotNanos;
  private final Duration callDuration;
  private final long startedNanos = System.nanoTime();
  private final RecordBudget budget;
  private final int partition;
  private final IdleRestrictions.Partition idle;
  private final DoFnRunner<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> runner;
  private final Set<KeyState<byte[]>> hungry = Collections.newSetFromMap(new IdentityHashMap<>());
  private KeyState<byte[]> current;

  /** Calls this bundle made in its first pass over its restrictions. */
  private int calls;

  /** How a splittable DoFn's ProcessFn runs as part of {@code transform}. */
  public static <InputT, OutputT, RestrictionT>
      DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution(
          ProcessKeyedElements<InputT, OutputT, RestrictionT, ?> transform,
          StepEnvironment context) {
    return new DoFnExecution<>(
        new ProcessFn<>(
            transform.getFn(),
            transform.getElementCoder(),
            transform.getRestrictionCoder(),
            transform.getWatermarkEstimatorStateCoder(),
            transform.getInputWindowingStrategy(),
            transform.getSideInputMapping()),
        transform.getMainOutputTag(),
        transform.getAdditionalOutputTags().getAll(),
        transform.getSideInputMapping(),
        DoFnSchemaInformation.create(),
        context);
  }

  /**
   * @param timeSlot how long the calls of this bundle may take together, about: each call gets an
   *     even part of it (as many as this task's last bundle made), since a call on a restriction
   *     that receives little input waits for it until its time is up (KafkaIO polls again and
   *     again), and a task runs its calls one after another
   * @param budget how many records the calls of this bundle may output (with other bundles')
   * @param idle the step's restrictions that waited in vain, which this bundle paces
   */
  @SuppressWarnings("unchecked")
  public SplittableBundle(
      DoFnExecution<KeyedWorkItem<byte[], KV<InputT, RestrictionT>>, OutputT> execution,
      TaskContext task,
      Duration timeSlot,
      RecordBudget budget,
      IdleRestrictions idle) {
    this.execution = execution;
    this.budget = budget;
    this.partition = task.partition();
    this.idle = idle.of(partition);
    this.timeSlotNanos = timeSlot.getMillis() * 1_000_000;
    this.callDuration =
        Duration.millis(
            Math.max(MIN_CALL_MILLIS, timeSlot.getMillis() / this.idle.callsInLastBundle()));
    this.processFn = (ProcessFn<InputT, OutputT, RestrictionT, ?, ?>) execution.instantiate(task);
    this.output = new OutputBuffer(execution.isMultiOutput());
    processFn.setStateInternalsFactory(key -> current.state());
    processFn.setTimerInternalsFactory(key -> current.timers());
    processFn.setSideInputReader(execution.sideInputReader());
    // The invoker schedules the checkpoint of a call that runs too long on this thread.
    this.checkpoints =
        Executors.newSingleThreadScheduledExecutor(
            r ->
                new Thread(r, "microbatch-sdf-checkpoint-" + CHECKPOINT_THREADS.incrementAndGet()));
    task.onCompletion(checkpoints::shutdownNow);
    this.runner = execution.runner(processFn, step, output, task);
    runner.startBundle();
  }

  /**
   * Streaming mode: resumes the residuals whose wake-up time has come (once each: a residual that
   * asks to resume at once waits for the next batch), then starts the new elements whose side
   * inputs are ready (and those that waited for theirs).
   */
  @Override
  public List<Object> process(
      KeyState<byte[]> key,
      List<WindowedValue<KV<byte[], KV<InputT, RestrictionT>>>> values,
      Instant watermark,
      Instant now)
      throws Exception {
    List<TimerData> due = new ArrayList<>();
    TimerData timer;
    while ((timer = key.timers().removeNextProcessingTimer()) != null) {
      due.add(timer);
    }
    // a residual that waited in vain last time may have to rest (IdleRestrictions); once the
    // batch's record budget is spent, the rest waits for a later batch
    for (TimerData wakeUp : due) {
      long granted = idle.mayResume(key.key()) ? budget.take(MAX_OUTPUTS_PER_CALL) : 0;
      if (granted == 0) {
        key.timers().setTimer(wakeUp);
      } else {
        calls++;
        resume(key, wakeUp, granted);
      }
    }
    for (WindowedValue<KV<byte[], KV<InputT, RestrictionT>>> value :
        KeyedSideInputs.ready(key, values, execution)) {
      long granted = budget.take(MAX_OUTPUTS_PER_CALL);
      if (granted == 0) {
        key.waiting().add(value);
      } else {
        calls++;
        start(key, value, granted);
      }
    }
    return output.drain();
  }

  /**
   * Batch mode: runs one element to completion. Each call is a bundle of its own as far as bundle
   * finalization goes, so a DoFn that waits for finalization before it finishes does.
   */
  public List<Object> runToCompletion(WindowedValue<KV<byte[], KV<InputT, RestrictionT>>> value)
      throws Exception {
    KeyState<byte[]> key =
        new KeyState<>(value.getValue().getKey(), BoundedWindow.TIMESTAMP_MIN_VALUE, Instant.now());
    start(key, value, MAX_OUTPUTS_PER_CALL);
    DoFnExecution.finalizeBundle(step.finalizer());
    Instant wakeUp;
    while ((wakeUp = key.timers().getNextTimer(TimeDomain.PROCESSING_TIME)) != null) {
      // A timer is due once processing time is past it.
      Instant due = wakeUp.plus(Duration.millis(1));
      Instant now = Instant.now();
      KeyTimers.advanceProcessingTime(key.timers(), due.isAfter(now) ? due : now);
      resume(key, key.timers().removeNextProcessingTimer(), MAX_OUTPUTS_PER_CALL);
      DoFnExecution.finalizeBundle(step.finalizer());
    }
    return output.drain();
  }

  private void start(
      KeyState<byte[]> key,
      WindowedValue<KV<byte[], KV<InputT, RestrictionT>>> value,
      long granted) {
    WindowedValue<KV<InputT, RestrictionT>> element = value.withValue(value.getValue().getValue());
    call(key, KeyedWorkItems.elementsWorkItem(key.key(), List.of(element)), granted);
  }

  private void resume(KeyState<byte[]> key, TimerData wakeUp, long granted) {
    call(
        key,
        KeyedWorkItems.<byte[], KV<InputT, RestrictionT>>timersWorkItem(key.key(), List.of(wakeUp)),
        granted);
  }

  /**
   * One ProcessFn call, bounded by time and by {@code granted} outputs (taken from the budget,
   * which gets back what the call did not use).
   */
  private void call(
      KeyState<byte[]> key, KeyedWorkItem<byte[], KV<InputT, RestrictionT>> work, long granted) {
    current = key;
    processFn.setProcessElementInvoker(
        new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
            processFn.getFn(),
            execution.options(),
            output,
            execution.mainOutputTag(),
            execution.sideInputReader(),
            checkpoints,
            (int) granted,
            callDuration,
            step::bundleFinalizer));
    int before = output.queue().size();
    long started = System.nanoTime();
    runner.processElement(WindowedValues.valueInGlobalWindow(work));
    long ended = System.nanoTime();
    int outputs = output.queue().size() - before;
    budget.giveBack(granted - outputs);
    boolean timedOut = ended - started >= callDuration.getMillis() * 1_000_000;
    boolean resumes = key.timers().getNextTimer(TimeDomain.PROCESSING_TIME) != null;
    idle.called(key.key(), started, ended, outputs == 0 && timedOut && resumes);
    if (outputs < granted && timedOut) {
      // it had less input than it could take and waited for more until its time was up: the time
      // says how long the source made it wait, not how fast the step processes
      budget.waited(partition, ended - started);
    }
    if (outputs == granted && resumes) {
      hungry.add(key);
    } else {
      hungry.remove(key);
    }
  }

  /**
   * Gives the restrictions that used all their share of the budget another call each, while the
   * batch's budget has records left (others had less input than their share) and this bundle is
   * within its time slot.
   */
  private void resumeHungryWithWhatIsLeft() throws Exception {
    boolean resumedAny = true;
    while (resumedAny) {
      resumedAny = false;
      for (KeyState<byte[]> key : List.copyOf(hungry)) {
        if (System.nanoTime() - startedNanos >= timeSlotNanos) {
          return;
        }
        Instant now = key.timers().currentProcessingTime();
        Instant wakeUp = key.timers().getNextTimer(TimeDomain.PROCESSING_TIME);
        if (wakeUp == null || wakeUp.isAfter(now)) {
          continue;
        }
        long granted = budget.takeLeft(MAX_OUTPUTS_PER_CALL, hungry.size());
        if (granted == 0) {
          return;
        }
        // the residual's wake-up is now: due once processing time is past it
        KeyTimers.advanceProcessingTime(key.timers(), now.plus(Duration.millis(1)));
        resume(key, key.timers().removeNextProcessingTimer(), granted);
        resumedAny = true;
      }
    }
  }

  @Override
  public List<Object> finish() throws Exception {
    resumeHungryWithWhatIsLeft();
    idle.bundleEnded(calls);
    return DoFnExecution.finishBundle(runner, step, output);
  }
}
