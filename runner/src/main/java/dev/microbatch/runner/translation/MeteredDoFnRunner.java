package dev.microbatch.runner.translation;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  MeteredDoFnRunner(DoFnRunner<InputT, OutputT> delegate, MetricsContainer container) {
    this.delegate = delegate;
    this.container = container;
  }

  private Closeable scope() {
    return MetricsEnvironment.scopedMetricsContainer(container);
  }

  private static void close(Closeable scope) {
    try {
      scope.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void startBundle() {
    Closeable scope = scope();
    try {
      delegate.startBundle();
    } finally {
      close(scope);
    }
  }

  @Override
  public void processElement(WindowedValue<InputT> elem) {
    Closeable scope = scope();
    try {
      delegate.processElement(elem);
    } finally {
      close(scope);
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
    Closeable scope = scope();
    try {
      delegate.onTimer(timerId, timerFamilyId, key, window, timestamp, outputTimestamp, timeDomain);
    } finally {
      close(scope);
    }
  }

  @Override
  public void finishBundle() {
    Closeable scope = scope();
    try {
      delegate.finishBundle();
    } finally {
      close(scope);
    }
  }

  @Override
  public <KeyT> void onWindowExpiration(BoundedWindow window, Instant timestamp, KeyT key) {
    Closeable scope = scope();
    try {
      delegate.onWindowExpiration(window, timestamp, key);
    } finally {
      close(scope);
    }
  }

  @Override
  public DoFn<InputT, OutputT> getFn() {
    return delegate.getFn();
  }
}
