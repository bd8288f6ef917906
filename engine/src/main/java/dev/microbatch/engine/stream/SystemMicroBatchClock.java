package dev.microbatch.engine.stream;

/** The wall clock; waiting sleeps until the target time. */
enum SystemMicroBatchClock implements MicroBatchClock {
  INSTANCE;

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public void waitUntil(long timeMillis) throws InterruptedException {
    long remaining;
    while ((remaining = timeMillis - System.currentTimeMillis()) > 0) {
      Thread.sleep(remaining);
    }
  }
}
