package dev.microbatch.runner.execution.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.annotations.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures of a source's reads, split by split. A read that fails is retried in the next batch
 * (its reader reopened at the split's last checkpoint mark, so nothing read in the failed attempt
 * is lost or read twice), with a log line saying so, until the split has been failing for longer
 * than the retry window; then the pipeline fails, naming the source. A split fails until it reads
 * records again, or reads without error for a whole window: a reader that reopens fine and soon
 * fails again, reading nothing in between (a Kafka consumer whose brokers stay down), is still
 * failing.
 */
@Internal
public final class ReadRetries {
  private static final Logger LOG = LoggerFactory.getLogger(ReadRetries.class);

  private final String step;
  private final long windowMillis;
  private final Map<Integer, Failing> failing = new ConcurrentHashMap<>();

  /**
   * Since when a split has been failing, and since when its reads have gone without error (they
   * read nothing), -1 while they fail.
   */
  private record Failing(long since, long fineSince) {}

  /**
   * @param windowMillis how long a split may keep failing; 0 fails at the first error
   */
  public ReadRetries(String step, long windowMillis) {
    this.step = step;
    this.windowMillis = windowMillis;
  }

  /** A read of {@code split} failed: logs the retry, or throws once the window is over. */
  void failed(int split, Object source, IOException e) {
    long now = System.currentTimeMillis();
    Failing streak =
        failing.compute(
            split,
            (s, before) ->
                before == null
                        || (before.fineSince() >= 0 && now - before.fineSince() > windowMillis)
                    ? new Failing(now, -1)
                    : new Failing(before.since(), -1));
    long since = streak.since();
    if (now - since >= windowMillis) {
      throw new UncheckedIOException(
          "Could not read "
              + source
              + " ("
              + step
              + "), failing for "
              + (now - since)
              + " ms (--readRetryWindowMillis="
              + windowMillis
              + "): "
              + e.getMessage(),
          e);
    }
    LOG.warn(
        "Reading {} ({}) failed, retrying from its last checkpoint mark in the next batch"
            + " (failing for {} ms of at most {}): {}",
        source,
        step,
        now - since,
        windowMillis,
        e.toString());
  }

  /** A read of {@code split} succeeded with {@code records}: with some, it works again. */
  void succeeded(int split, int records) {
    if (records > 0) {
      if (failing.remove(split) != null) {
        LOG.info("Reading split {} of {} works again", split, step);
      }
    } else {
      long now = System.currentTimeMillis();
      failing.computeIfPresent(
          split,
          (s, streak) -> streak.fineSince() >= 0 ? streak : new Failing(streak.since(), now));
    }
  }
}
