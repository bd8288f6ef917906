package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.shuffle.HeldMapOutput;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * The cancellation flag of one job, shared by the driver and its tasks, the tasks running now
 * (interrupted on cancel, so that a task blocked in user code stops too), and the shuffle memory
 * its map outputs hold until it ends.
 */
public final class JobControl {
  private final int jobId;
  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private final Queue<HeldMapOutput> heldOutputs = new ConcurrentLinkedQueue<>();
  private volatile boolean cancelled;

  public JobControl(int jobId) {
    this.jobId = jobId;
  }

  public void cancel() {
    cancelled = true;
    running.forEach(f -> f.cancel(true));
  }

  void track(List<? extends Future<?>> tasks) {
    running.addAll(tasks);
    if (cancelled) {
      cancel();
    }
  }

  void untrack(List<? extends Future<?>> tasks) {
    running.removeAll(tasks);
  }

  void checkCancelled() {
    if (cancelled) {
      throw new JobCancelledException("Job " + jobId + " was cancelled");
    }
  }

  void hold(HeldMapOutput output) {
    heldOutputs.add(output);
  }

  /** Frees the shuffle memory the job's finished map outputs still hold. */
  public void releaseHeldOutputs() {
    heldOutputs.forEach(HeldMapOutput::release);
    heldOutputs.clear();
  }
}
