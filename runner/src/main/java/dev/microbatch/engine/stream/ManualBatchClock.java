package dev.microbatch.engine.stream;

import java.time.Duration;

/** A clock that moves only when told to: tests advance it to generate batches at will. */
public final class ManualBatchClock implements BatchClock {
  private long now;

  public ManualBatchClock(long startMillis) {
    this.now = startMillis;
  }

  public ManualBatchClock() {
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
    while (now < timeMillis) {
      wait();
    }
  }
}
