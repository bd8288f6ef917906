package dev.microbatch.runner;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;

/** What the streaming-mode tests share: their pipeline, and a script of words in three windows. */
public final class StreamingScript {
  private StreamingScript() {}

  public static Pipeline streamingPipeline() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--batchIntervalMillis=100",
                "--parallelism=2")
            .create());
  }

  public static TimestampedValue<String> at(String word, long seconds) {
    return TimestampedValue.of(word, new Instant(seconds * 1000));
  }

  /** Words in three fixed windows of 10 s, read two per batch: each window spans batches. */
  public static final List<TimestampedValue<String>> SCRIPT =
      List.of(
          at("a", 0),
          at("b", 1),
          at("a", 3),
          at("a", 9), // window [0, 10)
          at("b", 10),
          at("b", 12),
          at("c", 19), // window [10, 20)
          at("a", 25)); // window [20, 30)

  public static void assertCountsPerWindowOfTheScript(PCollection<KV<String, Long>> counts) {
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder(KV.of("a", 3L), KV.of("b", 1L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder(KV.of("b", 2L), KV.of("c", 1L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(20_000), new Instant(30_000)))
        .containsInAnyOrder(KV.of("a", 1L));
  }
}
