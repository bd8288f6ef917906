package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Queue;

/**
 * Spark's queueStream, for tests: each batch takes one collection (or, if not {@code oneAtATime},
 * all of them) from a queue; what the per-batch cap leaves waits for the next batch.
 */
final class QueueInputDStream<T> extends InputDStream<T> {
  private final Queue<? extends Collection<T>> queue;
  private final boolean oneAtATime;
  private final Deque<T> leftOver = new ArrayDeque<>();

  QueueInputDStream(
      StreamingContext context, Queue<? extends Collection<T>> queue, boolean oneAtATime) {
    super(context, "queue");
    this.queue = queue;
    this.oneAtATime = oneAtATime;
  }

  @Override
  protected Dataset<T> compute(long batchTime) {
    if (leftOver.isEmpty() || !oneAtATime) {
      Collection<T> next;
      while ((next = queue.poll()) != null) {
        leftOver.addAll(next);
        if (oneAtATime) {
          break;
        }
      }
    }
    List<T> records = new ArrayList<>();
    while (!leftOver.isEmpty() && records.size() < recordLimit()) {
      records.add(leftOver.poll());
    }
    recordCounter(batchTime).add(records.size());
    return context().engine().parallelize(records, context().parallelism());
  }
}
