package dev.microbatch.runner.translation;

import java.io.Closeable;
import java.io.IOException;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/** Runs user code (a source's split or read, say) with its step's metrics container current. */
final class StepMetrics {
  private StepMetrics() {}

  /** Code that returns a value and may throw. */
  interface Call<T, E extends Exception> {
    T call() throws E;
  }

  static <T, E extends Exception> T inScope(MetricsContainer container, Call<T, E> call) throws E {
    Closeable scope = MetricsEnvironment.scopedMetricsContainer(container);
    try {
      return call.call();
    } finally {
      try {
        scope.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
