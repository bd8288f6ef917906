package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** What the streaming-mode tests share: their pipeline, and a script of words in three windows. */
public final class StreamingScript {
  private StreamingScript() {}

  public static Pipeline streamingPipeline() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner", "--streaming", "--batchIntervalMillis=100", "--parallelism=2")
            .create());
  }

  public static TimestampedValue<String> at(String word, long seconds) {
    return TimestampedValue.of(word, new Instant(seconds * 1000));
  }

  /** Words in three fixed windows of 10 s, read two per batch: each window spans batches. */
  public static final List<TimestampedValue<String>> SCRIPT =
      List.of(
          at("a", 0), at("b", 1), at("a", 3), at("a", 9), // window [0, 10)
          at("b", 10), at("b", 12), at("c", 19), // window [10, 20)
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
