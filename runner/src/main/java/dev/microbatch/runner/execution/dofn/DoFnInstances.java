package dev.microbatch.runner.execution.dofn;

import dev.microbatch.engine.scheduler.TaskContext;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.util.SerializableUtils;

/**
 * The set-up instances of one ParDo's DoFn, reused from task to task and batch to batch, as Beam's
 * own runners reuse them: a DoFn may hold costly resources from @Setup to @Teardown (KafkaIO's
 * splittable read keeps its Kafka consumers). A task takes an idle instance or sets up a new one;
 * it gives the instance back if it succeeds, and tears it down if it fails, as Beam requires of an
 * instance that threw. When the pipeline ends, the idle instances are torn down.
 */
final class DoFnInstances<InputT, OutputT> {
  private final byte[] serializedFn;
  private final String stepName;
  private final PipelineOptions options;
  private final Deque<DoFn<InputT, OutputT>> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  DoFnInstances(byte[] serializedFn, String stepName, PipelineOptions options) {
    this.serializedFn = serializedFn;
    this.stepName = stepName;
    this.options = options;
  }

  /** An instance for {@code task}, set up, back in the pool or torn down when the task ends. */
  @SuppressWarnings("unchecked")
  DoFn<InputT, OutputT> take(TaskContext task) {
    DoFn<InputT, OutputT> fn = idle.poll();
    if (fn == null) {
      fn =
          (DoFn<InputT, OutputT>)
              SerializableUtils.deserializeFromByteArray(serializedFn, stepName);
      // Tears the instance down itself if @Setup throws.
      DoFnInvokers.tryInvokeSetupFor(fn, options);
    }
    DoFn<InputT, OutputT> taken = fn;
    task.onCompletionWithOutcome(succeeded -> giveBack(taken, succeeded));
    return taken;
  }

  private void giveBack(DoFn<InputT, OutputT> fn, boolean reusable) {
    if (reusable && !closed) {
      idle.push(fn);
      if (!closed || !idle.remove(fn)) {
        return;
      }
    }
    tearDown(fn);
  }

  /** The pipeline ended: tears down every idle instance, and from now on every one given back. */
  void close() {
    closed = true;
    DoFn<InputT, OutputT> fn;
    while ((fn = idle.poll()) != null) {
      tearDown(fn);
    }
  }

  private static void tearDown(DoFn<?, ?> fn) {
    DoFnInvokers.invokerFor(fn).invokeTeardown();
  }
}
