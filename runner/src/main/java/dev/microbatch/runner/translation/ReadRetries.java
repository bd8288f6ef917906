package dev.microbatch.runner.translation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures of a source's reads, split by split. A read that fails is retried in the next
 * batch (its reader reopened at the split's last checkpoint mark, so nothing read in the failed
 * attempt is lost or read twice), with a log line saying so, until the split has been failing
 * for longer than the retry window; then the pipeline fails, naming the source.
 */
final class ReadRetries {
  private static final Logger LOG = LoggerFactory.getLogger(ReadRetries.class);

  private final String step;
  private final long windowMillis;
  private final Map<Integer, Long> failingSince = new ConcurrentHashMap<>();

  /** @param windowMillis how long a split may keep failing; 0 fails at the first error */
  ReadRetries(String step, long windowMillis) {
    this.step = step;
    this.windowMillis = windowMillis;
  }

  /** A read of {@code split} failed: logs the retry, or throws once the window is over. */
  void failed(int split, Object source, IOException e) {
    long now = System.currentTimeMillis();
    long since = failingSince.computeIfAbsent(split, s -> now);
    if (now - since >= windowMillis) {
      throw new UncheckedIOException(
          "Could not read " + source + " (" + step + "), failing for " + (now - since)
              + " ms (--readRetryWindowMillis=" + windowMillis + "): " + e.getMessage(),
          e);
    }
    LOG.warn(
        "Reading {} ({}) failed, retrying from its last checkpoint mark in the next batch"
            + " (failing for {} ms of at most {}): {}",
        source, step, now - since, windowMillis, e.toString());
  }

  /** A read of {@code split} succeeded: it is no longer failing. */
  void succeeded(int split) {
    if (failingSince.remove(split) != null) {
      LOG.info("Reading split {} of {} works again", split, step);
    }
  }
}
