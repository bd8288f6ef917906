package dev.microbatch.engine.stream;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a streaming job falls behind, which Spark's users see on the Streaming tab: a warning
 * once the scheduling delay has stayed over one batch interval for {@value #BATCHES} batches and
 * grown over them; again only when it has doubled since; and a line when the job has caught up.
 * Per-batch lines are left to DEBUG, so this is what a job running for days shows of its pace.
 */
final class FallingBehindWarning implements StreamingListener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingContext.class);

  /** How many batches in a row a delay must have lasted and grown over. */
  static final int BATCHES = 10;

  private final long intervalMillis;
  private final Consumer<String> warn;
  private final Consumer<String> info;
  private final Deque<Long> delays = new ArrayDeque<>();

  /** The delay the last warning named; 0 while the job keeps up. */
  private long warnedDelay;

  FallingBehindWarning(long intervalMillis) {
    this(intervalMillis, LOG::warn, LOG::info);
  }

  FallingBehindWarning(long intervalMillis, Consumer<String> warn, Consumer<String> info) {
    this.intervalMillis = intervalMillis;
    this.warn = warn;
    this.info = info;
  }

  @Override
  public synchronized void onBatchCompleted(MicroBatchInfo batch) {
    long delay = batch.schedulingDelay();
    delays.addLast(delay);
    if (delays.size() > BATCHES) {
      delays.removeFirst();
    }
    if (warnedDelay == 0) {
      boolean behindThroughout =
          delays.size() == BATCHES && delays.stream().allMatch(d -> d > intervalMillis);
      if (behindThroughout && delay > delays.peekFirst()) {
        warnedDelay = delay;
        warn.accept(
            "Falling behind: batches start "
                + delay
                + " ms late, up from "
                + delays.peekFirst()
                + " ms "
                + BATCHES
                + " batches ago (batch interval "
                + intervalMillis
                + " ms): they take longer than the interval, or input comes faster than it is"
                + " processed");
      }
    } else if (delay >= 2 * warnedDelay) {
      warn.accept(
          "Still falling behind: batches start " + delay + " ms late, twice as late as before");
      warnedDelay = delay;
    } else if (delay <= intervalMillis) {
      info.accept("Caught up: batches start " + delay + " ms late again");
      warnedDelay = 0;
    }
  }
}
