package dev.microbatch.engine.stream;

import java.time.Duration;

/** A clock that moves only when told to: tests advance it to generate batches at will. */
public final class ManualMicroBatchClock implements MicroBatchClock {
  private long now;
  private long awaited = Long.MIN_VALUE;

  public ManualMicroBatchClock(long startMillis) {
    this.now = startMillis;
  }

  public ManualMicroBatchClock() {
    this(0);
  }

  @Override
  public synchronized long currentTimeMillis() {
    return now;
  }

  public synchronized void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("A clock cannot go back, was asked to advance by " + by);
    }
    now += by.toMillis();
    notifyAll();
  }

  @Override
  public synchronized void waitUntil(long timeMillis) throws InterruptedException {
    awaited = Math.max(awaited, timeMillis);
    notifyAll();
    while (now < timeMillis) {
      wait();
    }
  }

  /**
   * Blocks until someone waits for {@code timeMillis}: once the batch clock waits for a time, it
   * has queued every batch before it.
   */
  public synchronized void awaitWaiterFor(long timeMillis) throws InterruptedException {
    while (awaited < timeMillis) {
      wait();
    }
  }
}
