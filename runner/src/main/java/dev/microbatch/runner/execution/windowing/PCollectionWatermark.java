package dev.microbatch.runner.execution.windowing;

import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The output watermark of one PCollection in streaming mode, as it stands after a batch. Asked only
 * on the batch thread, after the PCollection's dataset of that batch was generated (for a source:
 * read), so each answer is final for its batch.
 */
@FunctionalInterface
@Internal
public interface PCollectionWatermark {
  Instant after(long batchTime);

  /** The lowest of several watermarks (the end of time if there are none). */
  static PCollectionWatermark min(List<PCollectionWatermark> inputs) {
    return batchTime -> {
      Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
      for (PCollectionWatermark input : inputs) {
        Instant w = input.after(batchTime);
        if (w.isBefore(min)) {
          min = w;
        }
      }
      return min;
    };
  }
}
