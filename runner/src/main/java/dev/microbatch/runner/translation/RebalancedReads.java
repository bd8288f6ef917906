package dev.microbatch.runner.translation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.BoundedSource.BoundedReader;

/**
 * The readers of one bounded read in one run of a stage. A task whose bundle is read out takes
 * over the second half of what the reader with the most left still has to read (Beam's dynamic
 * work rebalancing, through {@link BoundedReader#splitAtFraction}, which Beam's readers accept
 * from another thread), so the tasks end close together though their threads run at different
 * speeds. A reader that does not know how far it is, or whose source does not split while read,
 * keeps its bundle.
 */
final class RebalancedReads<T> {
  /** Below this estimate of what a reader has left, splitting it is not worth a reader more. */
  static final long MIN_TAKE_OVER_BYTES = 64 << 10;

  /** A reader at work, and the estimated size of what it was given to read. */
  private static final class Reading<T> {
    final BoundedReader<T> reader;
    volatile long sizeBytes;

    Reading(BoundedReader<T> reader, long sizeBytes) {
      this.reader = reader;
      this.sizeBytes = sizeBytes;
    }

  }

  private final List<Reading<T>> reading = new ArrayList<>();

  /** A reader that has started on a source of about {@code sizeBytes}, open to being split. */
  synchronized void started(BoundedReader<T> reader, long sizeBytes) {
    reading.add(new Reading<>(reader, sizeBytes));
  }

  /** A reader that has read everything it was left: no longer split. */
  synchronized void finished(BoundedReader<T> reader) {
    reading.removeIf(r -> r.reader == reader);
  }

  /**
   * The second half of what the reader with the most left has to read, which that reader now
   * leaves out; null if no reader has enough left or none would split.
   */
  BoundedSource<T> takeOver() {
    List<Reading<T>> candidates;
    synchronized (this) {
      candidates = new ArrayList<>(reading);
    }
    // how far each reader is, taken once: the readers go on reading meanwhile
    List<Map.Entry<Reading<T>, Double>> progress = new ArrayList<>();
    for (Reading<T> candidate : candidates) {
      Double consumed = candidate.reader.getFractionConsumed();
      if (consumed != null && candidate.sizeBytes * (1 - consumed) >= MIN_TAKE_OVER_BYTES) {
        progress.add(Map.entry(candidate, consumed));
      }
    }
    progress.sort(Comparator.comparingDouble((Map.Entry<Reading<T>, Double> e) -> e.getKey().sizeBytes * (1 - e.getValue())).reversed());
    for (Map.Entry<Reading<T>, Double> entry : progress) {
      Reading<T> candidate = entry.getKey();
      double splitAt = entry.getValue() + (1 - entry.getValue()) / 2;
      BoundedSource<T> rest = candidate.reader.splitAtFraction(splitAt);
      if (rest != null) {
        candidate.sizeBytes = (long) (candidate.sizeBytes * splitAt);
        return rest;
      }
    }
    return null;
  }
}
