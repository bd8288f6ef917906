package dev.microbatch.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import dev.microbatch.examples.WordCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each workload, small, on this runner: its output equals the hand-written program's (the check
 * every benchmark run makes). The benchmarks themselves run outside CI.
 */
class WorkloadsSmokeTest {
  private static final String[] RUNNER = {"--runner=MicroBatchRunner", "--parallelism=2"};

  @Test
  void b1WordCountCountsAsTheHandWrittenProgram(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("zipf.txt");
    ZipfText.write(input, 300_000, 7);
    HandWrittenWordCount.run(input, dir.resolve("expected.txt"), 2);
    List<String> args = new ArrayList<>(List.of(RUNNER));
    args.addAll(List.of("--inputFile=" + input, "--output=" + dir.resolve("out/counts")));
    WordCount.build(
            PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
                .as(WordCount.Options.class))
        .run()
        .waitUntilFinish();
    assertThat(sortedLines(dir.resolve("out")), equalTo(sortedLines(dir, "expected.txt")));
  }

  @ParameterizedTest
  @EnumSource(GroupHeavy.Part.class)
  void b2PartsComputeAsTheHandWrittenProgram(GroupHeavy.Part part, @TempDir Path dir)
      throws Exception {
    long elements = 50_000;
    HandWrittenGroupHeavy.run(part, elements, dir.resolve("expected.txt"), 2);
    GroupHeavy.build(
            part,
            elements,
            PipelineOptionsFactory.fromArgs(RUNNER).create(),
            dir.resolve("out/counts").toString())
        .run()
        .waitUntilFinish();
    List<String> expected = sortedLines(dir, "expected.txt");
    assertThat(sortedLines(dir.resolve("out")), equalTo(expected));
    int atLeast =
        switch (part) {
          case MANY_KEYS -> 45_000; // 50,000 numbers over a million keys: a few share one
          case HOT_KEYS -> 4 + 3_000; // a tenth of them over 10,000 cold keys
          case SIDE_INPUT_JOIN -> 1_000; // every name
        };
    assertThat(expected.size(), greaterThanOrEqualTo(atLeast));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StreamingWordCount.Variant.class)
  void b3StreamingWordCountOutputsEveryPaneOnceAtTheRate(StreamingWordCount.Variant variant)
      throws Exception {
    StreamingWordCount.reset();
    long wordsPerSecond = 20_000;
    long seconds = 3;
    List<String> args = new ArrayList<>(List.of(RUNNER));
    args.addAll(List.of("--streaming", "--batchIntervalMillis=200"));
    long start = System.currentTimeMillis();
    StreamingWordCount.build(
            wordsPerSecond,
            seconds,
            variant,
            PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create())
        .run()
        .waitUntilFinish();
    assertThat(
        "the lines come at their rate",
        System.currentTimeMillis() - start,
        greaterThanOrEqualTo(seconds * 1000));
    assertThat(StreamingWordCount.panes(), greaterThanOrEqualTo(3 * 1_000L));
    assertThat(
        StreamingWordCount.checksum(),
        equalTo(StreamingWordCount.expectedChecksum(wordsPerSecond, seconds, variant)));
    // every pane's latency is recorded (none beyond the histogram); how low it is depends on the
    // machine's load, and is the benchmark's to measure (B3), not this smoke run's
    assertThat(
        StreamingWordCount.latencyPercentile(1.0),
        lessThan((long) StreamingWordCount.MAX_LATENCY_MILLIS));
  }

  private static List<String> sortedLines(Path dir, String... only) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files
              .filter(f -> only.length == 0 || f.getFileName().toString().equals(only[0]))
              .toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    lines.sort(null);
    return lines;
  }
}
