package dev.microbatch.benchmarks;

import dev.microbatch.examples.CountWords;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.joda.time.Duration;

/**
 * Workload B3: the windowed word count (the examples' CountWords in fixed windows of 1 s) of {@link
 * GeneratedLines} at a fixed rate; B3-group counts through a GroupByKey instead, and B3-session
 * counts each word's sessions (a GroupByKey in session windows with a gap of 1 s). Each pane, as it
 * comes out, records its latency (the time from its window's end to its output) and adds itself to
 * a checksum of all panes, which a run compares with {@link #expectedChecksum}. The records live in
 * this JVM: the runners measured here run the pipeline in the process that built it.
 */
final class StreamingWordCount {
  /** How the words are counted. */
  enum Variant {
    /** B3: CountWords (a Combine) in fixed windows of 1 s. */
    COMBINE("B3"),
    /** B3-group: a GroupByKey of (word, 1) in the same windows, then each group's size. */
    GROUP("B3-group"),
    /**
     * B3-session: the same GroupByKey in session windows of 1 s gap, so that each word has windows
     * of its own, which close at their own times (merging windows, and a timer per word).
     */
    SESSION("B3-session");

    final String workload;

    Variant(String workload) {
      this.workload = workload;
    }

    static Variant of(String workload) {
      for (Variant variant : values()) {
        if (variant.workload.equals(workload)) {
          return variant;
        }
      }
      throw new IllegalArgumentException("Unknown streaming workload " + workload);
    }
  }

  static final int WORDS_PER_LINE = 10;
  static final long SESSION_GAP_MILLIS = 1000;
  static final int MAX_LATENCY_MILLIS = 600_000;
  private static final AtomicLongArray LATENCIES = new AtomicLongArray(MAX_LATENCY_MILLIS + 1);
  private static final AtomicLong PANES = new AtomicLong();
  private static final AtomicLong CHECKSUM = new AtomicLong();

  private StreamingWordCount() {}

  /** The pipeline of {@code variant}. */
  static Pipeline build(
      long wordsPerSecond, long seconds, Variant variant, PipelineOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<String> lines =
        pipeline.apply(
            "Lines", Read.from(new GeneratedLines(wordsPerSecond / WORDS_PER_LINE, seconds)));
    PCollection<KV<String, Long>> counts =
        switch (variant) {
          case COMBINE ->
              lines.apply("OneSecondWindows", oneSecondWindows()).apply(new CountWords());
          case GROUP -> lines.apply("OneSecondWindows", oneSecondWindows()).apply(new GroupWords());
          case SESSION ->
              lines
                  .apply(
                      "Sessions",
                      Window.into(Sessions.withGapDuration(Duration.millis(SESSION_GAP_MILLIS))))
                  .apply(new GroupWords());
        };
    counts.apply("RecordPanes", ParDo.of(new RecordPane()));
    return pipeline;
  }

  private static Window<String> oneSecondWindows() {
    return Window.into(FixedWindows.of(Duration.standardSeconds(1)));
  }

  /** The word count by a GroupByKey: (word, 1) for each word, then each group's size. */
  private static final class GroupWords
      extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {
    @Override
    public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
      return lines
          .apply(
              "WordOnes",
              FlatMapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                  .via(
                      (String line) ->
                          CountWords.wordsOf(line).stream().map(word -> KV.of(word, 1L)).toList()))
          .apply("GroupPerWord", GroupByKey.create())
          .apply(
              "GroupSizes",
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                  .via(
                      (KV<String, Iterable<Long>> group) ->
                          KV.of(group.getKey(), (long) Iterables.size(group.getValue()))));
    }
  }

  /** A pane's part of the checksum: its window's end (from the origin), word and count. */
  static long paneHash(long endMillis, String word, long count) {
    return GroupHeavy.mix(GroupHeavy.mix(endMillis * 1_000_003L + word.hashCode()) + count);
  }

  /**
   * The checksum of the panes a run of {@code variant} at {@code wordsPerSecond} for {@code
   * seconds} must output.
   */
  static long expectedChecksum(long wordsPerSecond, long seconds, Variant variant) {
    GeneratedLines lines = new GeneratedLines(wordsPerSecond / WORDS_PER_LINE, seconds);
    List<String> pool = GeneratedLines.pool();
    long checksum = 0;
    if (variant == Variant.SESSION) {
      // each word's session: its first and last time, and its count; a word seen again at or
      // after its last time plus the gap starts a new one
      Map<String, long[]> sessions = new HashMap<>();
      for (long i = 0; i < lines.lines(); i++) {
        long at = lines.dueMillis(i);
        for (String word : pool.get((int) (i % pool.size())).split(" ")) {
          long[] session = sessions.get(word);
          if (session != null && at >= session[0] + SESSION_GAP_MILLIS) {
            checksum += paneHash(session[0] + SESSION_GAP_MILLIS, word, session[1]);
            session = null;
          }
          if (session == null) {
            sessions.put(word, new long[] {at, 1});
          } else {
            session[0] = at;
            session[1]++;
          }
        }
      }
      for (Map.Entry<String, long[]> session : sessions.entrySet()) {
        long[] lastAndCount = session.getValue();
        checksum +=
            paneHash(lastAndCount[0] + SESSION_GAP_MILLIS, session.getKey(), lastAndCount[1]);
      }
      return checksum;
    }
    long window = 0;
    Map<String, long[]> counts = new HashMap<>();
    for (long i = 0; i <= lines.lines(); i++) {
      long lineWindow = i < lines.lines() ? lines.dueMillis(i) / 1000 : -1;
      if (lineWindow != window) {
        for (Map.Entry<String, long[]> count : counts.entrySet()) {
          checksum += paneHash((window + 1) * 1000, count.getKey(), count.getValue()[0]);
        }
        counts.clear();
        window = lineWindow;
      }
      if (i < lines.lines()) {
        for (String word : pool.get((int) (i % pool.size())).split(" ")) {
          counts.computeIfAbsent(word, w -> new long[1])[0]++;
        }
      }
    }
    return checksum;
  }

  /** Forgets the panes recorded so far, and the lines' clock (tests run several in one JVM). */
  static void reset() {
    for (int millis = 0; millis <= MAX_LATENCY_MILLIS; millis++) {
      LATENCIES.set(millis, 0);
    }
    PANES.set(0);
    CHECKSUM.set(0);
    GeneratedLines.resetClock();
  }

  /** The panes output so far in this JVM. */
  static long panes() {
    return PANES.get();
  }

  static long checksum() {
    return CHECKSUM.get();
  }

  /** The latency in milliseconds that {@code fraction} of the panes output so far stayed under. */
  static long latencyPercentile(double fraction) {
    long total = PANES.get();
    long seen = 0;
    for (int millis = 0; millis <= MAX_LATENCY_MILLIS; millis++) {
      seen += LATENCIES.get(millis);
      if (seen >= Math.ceil(total * fraction)) {
        return millis;
      }
    }
    return MAX_LATENCY_MILLIS;
  }

  private static final class RecordPane extends DoFn<KV<String, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<String, Long> count, BoundedWindow window) {
      long end = window.maxTimestamp().getMillis() + 1;
      long latency = System.currentTimeMillis() - end;
      LATENCIES.incrementAndGet((int) Math.max(0, Math.min(MAX_LATENCY_MILLIS, latency)));
      CHECKSUM.addAndGet(paneHash(end - GeneratedLines.origin(), count.getKey(), count.getValue()));
      PANES.incrementAndGet();
    }
  }
}
