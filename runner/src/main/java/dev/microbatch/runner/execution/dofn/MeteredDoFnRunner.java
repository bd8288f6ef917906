package dev.microbatch.runner.execution.dofn;

import dev.microbatch.runner.execution.metrics.StepMetrics;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Makes the step's metrics container current around every call into the DoFn. Fused DoFns of
 * different steps interleave on one thread, so the container is set per call, not per task.
 */
final class MeteredDoFnRunner<InputT, OutputT> implements DoFnRunner<InputT, OutputT> {
  private final DoFnRunner<InputT, OutputT> delegate;
  private final MetricsContainer container;

  /**
   * The metrics state of the thread the runner is made on, which is the task's that uses it: a call
   * on that thread swaps containers without a thread-local lookup (two per element a DoFn
   * processes).
   */
  private final Thread owner = Thread.currentThread();

  private final MetricsEnvironment.MetricsEnvironmentState ownerState =
      MetricsEnvironment.getMetricsEnvironmentStateForCurrentThread();

  MeteredDoFnRunner(DoFnRunner<InputT, OutputT> delegate, MetricsContainer container) {
    this.delegate = delegate;
    this.container = container;
  }

  private MetricsContainer activate(MetricsContainer current) {
    return Thread.currentThread() == owner
        ? ownerState.activate(current)
        : MetricsEnvironment.setCurrentContainer(current);
  }

  private void metered(Runnable call) {
    StepMetrics.inScope(
        container,
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public void startBundle() {
    metered(delegate::startBundle);
  }

  /** Called per element: no lambda, no scope object, just the thread's container swapped. */
  @Override
  public void processElement(WindowedValue<InputT> elem) {
    processValue(elem.getValue(), elem);
  }

  /**
   * {@link #processElement} of {@code value} in the timestamp, windows and pane of {@code element},
   * which a lean runner takes as they are and any other gets built into one element.
   */
  @SuppressWarnings("unchecked")
  void processValue(Object value, WindowedValue<?> element) {
    MetricsContainer previous = activate(container);
    try {
      if (delegate instanceof ElementDoFnRunner<InputT, OutputT> lean) {
        lean.processValue(value, element);
      } else {
        delegate.processElement((WindowedValue<InputT>) OutputBuffer.inElement(value, element));
      }
    } finally {
      activate(previous);
    }
  }

  @Override
  public <KeyT> void onTimer(
      String timerId,
      String timerFamilyId,
      KeyT key,
      BoundedWindow window,
      Instant timestamp,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    metered(
        () ->
            delegate.onTimer(
                timerId, timerFamilyId, key, window, timestamp, outputTimestamp, timeDomain));
  }

  @Override
  public void finishBundle() {
    metered(delegate::finishBundle);
  }

  @Override
  public <KeyT> void onWindowExpiration(BoundedWindow window, Instant timestamp, KeyT key) {
    metered(() -> delegate.onWindowExpiration(window, timestamp, key));
  }

  @Override
  public DoFn<InputT, OutputT> getFn() {
    return delegate.getFn();
  }
}
