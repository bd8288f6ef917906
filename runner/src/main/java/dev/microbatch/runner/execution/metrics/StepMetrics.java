package dev.microbatch.runner.execution.metrics;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/** Runs user code (a source's split or read, say) with its step's metrics container current. */
@Internal
public final class StepMetrics {
  private StepMetrics() {}

  /** Code that returns a value and may throw. */
  public interface Call<T, E extends Exception> {
    T call() throws E;
  }

  /**
   * Swaps the thread's container rather than opening Beam's scoped container: the same effect,
   * without an object per call (a bounded read calls this per record).
   */
  public static <T, E extends Exception> T inScope(MetricsContainer container, Call<T, E> call)
      throws E {
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(container);
    try {
      return call.call();
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }
}
