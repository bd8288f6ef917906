package dev.microbatch.runner.execution.dofn;

import dev.microbatch.runner.execution.metrics.StepMetrics;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Makes the step's metrics container current around every call into the DoFn. Fused DoFns of
 * different steps interleave on one thread, so the container is set per call, not per task. A lean
 * {@link ElementDoFnRunner} takes its elements itself ({@link #elements}) and meters them the same
 * way.
 */
final class MeteredDoFnRunner<InputT, OutputT>
    implements DoFnRunner<InputT, OutputT>, BundleIterator.Step<WindowedValue<InputT>> {
  private final DoFnRunner<InputT, OutputT> delegate;
  private final MetricsContainer container;

  private final ThreadMetrics threadMetrics = new ThreadMetrics();

  MeteredDoFnRunner(DoFnRunner<InputT, OutputT> delegate, MetricsContainer container) {
    this.delegate = delegate;
    this.container = container;
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
    MetricsContainer previous = threadMetrics.activate(container);
    try {
      delegate.processElement(elem);
    } finally {
      threadMetrics.activate(previous);
    }
  }

  @Override
  public void accept(WindowedValue<InputT> elem) {
    processElement(elem);
  }

  /**
   * How a bundle hands this runner its elements: a lean runner takes them itself, metered, as
   * values with their elements.
   */
  @SuppressWarnings("unchecked")
  BundleIterator.Step<WindowedValue<InputT>> elements() {
    return delegate instanceof BundleIterator.Step<?> lean
        ? (BundleIterator.Step<WindowedValue<InputT>>) lean
        : this;
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
