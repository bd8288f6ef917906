package dev.microbatch.engine.stream;

/**
 * A clock for batches whose pace does not matter, only their order (a scripted test stream): it
 * lets the next batch time come as soon as the batch before it has completed, so the batches run
 * back to back instead of one per interval of wall time. Add it to the context as a listener.
 */
public final class PacedMicroBatchClock implements MicroBatchClock, StreamingListener {
  private long now;
  private long released = Long.MIN_VALUE;
  private long completed = Long.MIN_VALUE;

  public PacedMicroBatchClock(long startMillis) {
    this.now = startMillis;
  }

  @Override
  public synchronized long currentTimeMillis() {
    return now;
  }

  /** Returns once the last batch time it let through has completed. */
  @Override
  public synchronized void waitUntil(long timeMillis) throws InterruptedException {
    while (released != Long.MIN_VALUE && completed < released) {
      wait();
    }
    released = timeMillis;
    now = Math.max(now, timeMillis);
  }

  @Override
  public synchronized void onBatchCompleted(MicroBatchInfo batch) {
    completed = Math.max(completed, batch.batchTime());
    notifyAll();
  }
}
