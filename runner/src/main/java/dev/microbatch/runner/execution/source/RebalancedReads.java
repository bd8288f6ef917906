package dev.microbatch.runner.execution.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.BoundedSource.BoundedReader;

/**
 * The readers of one bounded read in one run of a stage. A task whose bundle is read out takes over
 * the second half of what the reader with the most left still has to read (Beam's dynamic work
 * rebalancing, through {@link BoundedReader#splitAtFraction}, which Beam's readers accept from
 * another thread), so the tasks end close together though their threads run at different speeds. A
 * reader that does not know how far it is, or whose source does not split while read, keeps its
 * bundle.
 */
@Internal
public final class RebalancedReads<T> {
  /** Below this estimate of what a reader has left, splitting it is not worth a reader more. */
  static final long MIN_TAKE_OVER_BYTES = 64 << 10;

  /** A reader at work, and the estimated size of what it has to read (smaller after each split). */
  private static final class LiveReader<T> {
    final BoundedReader<T> reader;
    volatile long sizeBytes;

    LiveReader(BoundedReader<T> reader, long sizeBytes) {
      this.reader = reader;
      this.sizeBytes = sizeBytes;
    }
  }

  /** How far a reader was, and what it had left, when looked at: the readers go on meanwhile. */
  private record Progress<T>(LiveReader<T> live, double consumed, double leftBytes) {}

  private final List<LiveReader<T>> live = new ArrayList<>();

  /** A reader that has started on a source of about {@code sizeBytes}, open to being split. */
  synchronized void started(BoundedReader<T> reader, long sizeBytes) {
    live.add(new LiveReader<>(reader, sizeBytes));
  }

  /** A reader that has read everything it was left: no longer split. */
  synchronized void finished(BoundedReader<T> reader) {
    live.removeIf(r -> r.reader == reader);
  }

  /**
   * The second half of what the reader with the most left has to read, which that reader now leaves
   * out; null if no reader has enough left or none would split.
   */
  BoundedSource<T> takeOver() {
    List<Progress<T>> candidates = new ArrayList<>();
    for (LiveReader<T> reader : snapshot()) {
      Double consumed = reader.reader.getFractionConsumed();
      if (consumed != null) {
        candidates.add(new Progress<>(reader, consumed, reader.sizeBytes * (1 - consumed)));
      }
    }
    candidates.sort(Comparator.comparingDouble((Progress<T> p) -> p.leftBytes()).reversed());
    for (Progress<T> candidate : candidates) {
      if (candidate.leftBytes() < MIN_TAKE_OVER_BYTES) {
        break;
      }
      double splitAt = candidate.consumed() + (1 - candidate.consumed()) / 2;
      BoundedSource<T> rest = candidate.live().reader.splitAtFraction(splitAt);
      if (rest != null) {
        candidate.live().sizeBytes = (long) (candidate.live().sizeBytes * splitAt);
        return rest;
      }
    }
    return null;
  }

  private synchronized List<LiveReader<T>> snapshot() {
    return new ArrayList<>(live);
  }
}
