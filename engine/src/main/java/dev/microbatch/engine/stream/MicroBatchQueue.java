package dev.microbatch.engine.stream;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The batch times waiting to run, in order. Closing it gracefully lets the waiting batches be
 * taken; closing it at once drops them.
 */
final class MicroBatchQueue {
  private final Deque<Long> waiting = new ArrayDeque<>();
  private boolean closed;

  /**
   * Queues a batch, first running {@code beforeQueued} (which hears of it before the batch thread
   * can take it); false, without running it, if the queue is closed.
   */
  synchronized boolean offer(long batchTime, Runnable beforeQueued) {
    if (closed) {
      return false;
    }
    beforeQueued.run();
    waiting.add(batchTime);
    notifyAll();
    return true;
  }

  /** The next batch time, waiting for one; null once the queue is closed and drained. */
  synchronized Long take() throws InterruptedException {
    while (waiting.isEmpty() && !closed) {
      wait();
    }
    return waiting.poll();
  }

  synchronized void close(boolean keepWaiting) {
    closed = true;
    if (!keepWaiting) {
      waiting.clear();
    }
    notifyAll();
  }
}
