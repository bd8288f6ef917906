package dev.microbatch.runner.execution.sideinput;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.dofn.DoFnExecution;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Side inputs of a keyed step in streaming mode (a stateful ParDo, a splittable DoFn). Each batch's
 * bundles read the side inputs as they stand after that batch. A key's values whose side inputs are
 * not ready yet wait in the key's state, holding its watermark and its event-time timers, and run
 * in the first batch that has their side inputs ready: Beam's pushback, kept per key (as Beam's
 * Flink runner keeps it in keyed state).
 */
@Internal
public final class KeyedSideInputs {
  private KeyedSideInputs() {}

  /** Starts a task's bundle of a batch, running the batch's execution. */
  @FunctionalInterface
  public interface BundleStart<InputT, OutputT, K, V, StepOutputT> {
    KeyedStreamStep.Bundle<K, V, StepOutputT> start(
        DoFnExecution<InputT, OutputT> execution, long batchTime, TaskContext task);
  }

  /**
   * The bundles of a step running {@code execution}; each batch's read that batch's side inputs.
   */
  public static <InputT, OutputT, K, V, StepOutputT>
      KeyedStreamStep.Bundles<K, V, StepOutputT> bundles(
          DoFnExecution<InputT, OutputT> execution,
          StreamingStepEnvironment context,
          BundleStart<InputT, OutputT, K, V, StepOutputT> start) {
    if (!execution.hasSideInputs()) {
      return (batchTime, task) -> start.start(execution, batchTime, task);
    }
    Map<Long, DoFnExecution<InputT, OutputT>> byBatch = new ConcurrentHashMap<>();
    return new KeyedStreamStep.Bundles<>() {
      @Override
      public KeyedStreamStep.Bundle<K, V, StepOutputT> start(long batchTime, TaskContext task) {
        return start.start(byBatch.get(batchTime), batchTime, task);
      }

      @Override
      public List<Broadcast<?>> broadcasts(long batchTime) {
        DoFnExecution<InputT, OutputT> ofBatch = context.afterBatch(execution, batchTime);
        byBatch.keySet().removeIf(earlier -> earlier < batchTime); // batches run one at a time
        byBatch.put(batchTime, ofBatch);
        return ofBatch.broadcasts();
      }
    };
  }

  /**
   * The values of {@code key} that can run now: those that waited and the new ones, window by
   * window, whose side inputs are ready. The others wait in the key's state.
   */
  @SuppressWarnings("unchecked")
  public static <V> List<WindowedValue<V>> ready(
      KeyState<?> key, List<WindowedValue<V>> values, DoFnExecution<?, ?> execution) {
    if (!execution.hasSideInputs() && key.waiting().isEmpty()) {
      return values;
    }
    List<WindowedValue<?>> candidates = new ArrayList<>(key.waiting());
    candidates.addAll(values);
    key.waiting().clear();
    List<WindowedValue<V>> ready = new ArrayList<>();
    for (WindowedValue<?> value : candidates) {
      for (WindowedValue<?> inOneWindow : value.explodeWindows()) {
        if (!execution.hasSideInputs()
            || execution.sideInputsReady(inOneWindow.getWindows().iterator().next())) {
          ready.add((WindowedValue<V>) inOneWindow);
        } else {
          key.waiting().add(inOneWindow);
        }
      }
    }
    return ready;
  }

  /** How far a key's event-time timers may go: not past a value still waiting. */
  public static Instant timersWatermark(KeyState<?> key, Instant inputWatermark) {
    Instant waiting = key.earliestWaiting();
    return waiting.isBefore(inputWatermark) ? waiting : inputWatermark;
  }
}
