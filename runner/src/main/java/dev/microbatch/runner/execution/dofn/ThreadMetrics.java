package dev.microbatch.runner.execution.dofn;

import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Makes a step's metrics container current on the calling thread. Made on the thread of the task
 * that uses it: a call on that thread swaps containers without a thread-local lookup (two per
 * element a DoFn processes). Public for a step's own copy of {@link ElementDoFnRunner}.
 */
@Internal
public final class ThreadMetrics {
  private final Thread owner = Thread.currentThread();

  private final MetricsEnvironment.MetricsEnvironmentState ownerState =
      MetricsEnvironment.getMetricsEnvironmentStateForCurrentThread();

  /** Makes {@code current} the thread's container; returns the one it replaces. */
  public MetricsContainer activate(MetricsContainer current) {
    return Thread.currentThread() == owner
        ? ownerState.activate(current)
        : MetricsEnvironment.setCurrentContainer(current);
  }
}
