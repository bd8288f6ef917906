package dev.microbatch.runner.execution.metrics;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.annotations.Internal;

/**
 * A pipeline's Beam metrics: each step's container, and the containers of the tasks running now. A
 * task updates cells of its own, added into its step's when the task ends, however it ends, as
 * Beam's Spark runner adds up its tasks' metrics accumulators and the DirectRunner commits a
 * bundle's; what is read in the meantime ({@link #now}) adds the running tasks' cells to the
 * steps', so that a long task's metrics show as it goes. Two tasks updating one cell of the step's
 * took turns at its cache line on every update (a source counting each record it reads with Beam's
 * {@code SourceMetrics}, as GenerateSequence and KafkaIO do): up to 18% of B2-hot-keys' map-side
 * CPU samples with two tasks, 2% with one.
 */
@Internal
public final class PipelineMetrics {
  private final MetricsContainerStepMap ofEndedTasks = new MetricsContainerStepMap();

  /** The containers of running tasks, by step name; guarded by this. */
  private final Map<MetricsContainerImpl, String> running = new IdentityHashMap<>();

  /**
   * The container of {@code stepName}'s updates made outside tasks (a source split on the driver)
   * or that tasks share (values dropped as late), and of its ended tasks' updates.
   */
  public MetricsContainerImpl step(String stepName) {
    return ofEndedTasks.getContainer(stepName);
  }

  /** The container {@code task} updates for {@code stepName}; it joins the step's at task end. */
  MetricsContainerImpl forTask(String stepName, TaskContext task) {
    MetricsContainerImpl own = running(stepName);
    task.onCompletion(() -> ended(own));
    return own;
  }

  /** A container of its own for work of {@code stepName} that has begun, until {@link #ended}. */
  synchronized MetricsContainerImpl running(String stepName) {
    MetricsContainerImpl own = new MetricsContainerImpl(stepName);
    running.put(own, stepName);
    return own;
  }

  /** Adds what {@code own} holds into its step's container. */
  synchronized void ended(MetricsContainerImpl own) {
    step(running.remove(own)).update(own);
  }

  /** Every step's metrics as they stand now, the running tasks' updates so far included. */
  public synchronized MetricsContainerStepMap now() {
    MetricsContainerStepMap now = new MetricsContainerStepMap();
    now.updateAll(ofEndedTasks);
    running.forEach((container, stepName) -> now.getContainer(stepName).update(container));
    return now;
  }
}
