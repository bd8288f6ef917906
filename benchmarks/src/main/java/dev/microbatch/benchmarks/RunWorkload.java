package dev.microbatch.benchmarks;

import dev.microbatch.examples.WordCount;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * One measured run, in a process of its own, into {@code outputDir}, by a Beam runner or by the
 * hand-written program: the B1 word count of the file {@code input} (the examples' WordCount,
 * unchanged), a part of B2 ({@link GroupHeavy}) over {@code input} numbers, or B3 ({@link
 * StreamingWordCount}, in streaming mode with 1 s batches) at {@code input =
 * wordsPerSecond:seconds}. Prints its CPU time, peak resident memory and the time from {@code
 * Pipeline.run()} to the end last (B3: its panes' latencies and checksum before them), for {@link
 * Bench}.
 *
 * <p>Arguments: {@code <B1 | B2-many-keys | B2-hot-keys | B2-join | B3 | B3-group | B3-session>
 * <runner | hand-written> <input> <outputDir> <parallelism>}.
 */
public final class RunWorkload {
  static final String HAND_WRITTEN = "hand-written";
  static final String STATS = "BENCH-STATS";
  static final String STREAM = "BENCH-STREAM";

  /**
   * When the measured run began: just before {@code Pipeline.run()}, or the hand-written program's
   * start.
   */
  private static long runStartNanos;

  private RunWorkload() {}

  public static void main(String[] args) throws Exception {
    String workload = args[0];
    String runner = args[1];
    String input = args[2];
    Path outputDir = Path.of(args[3]);
    int parallelism = Integer.parseInt(args[4]);
    Files.createDirectories(outputDir);
    String output = outputDir.resolve("counts").toString();
    GroupHeavy.Part part = workload.startsWith("B2") ? part(workload) : null;
    if (workload.startsWith("B3")) {
      streaming(runner, input, parallelism, StreamingWordCount.Variant.of(workload));
    } else if (runner.equals(HAND_WRITTEN)) {
      Path file = Path.of(output + ".txt");
      runStartNanos = System.nanoTime();
      if (part == null) {
        HandWrittenWordCount.run(Path.of(input), file, parallelism);
      } else {
        HandWrittenGroupHeavy.run(part, Long.parseLong(input), file, parallelism);
      }
    } else {
      List<String> options = runnerOptions(runner, parallelism);
      if (part == null) {
        options.addAll(List.of("--inputFile=" + input, "--output=" + output));
        WordCount.Options wordCount =
            PipelineOptionsFactory.fromArgs(options.toArray(String[]::new))
                .as(WordCount.Options.class);
        runToTheEnd(WordCount.build(wordCount));
      } else {
        runToTheEnd(
            GroupHeavy.build(
                part,
                Long.parseLong(input),
                PipelineOptionsFactory.fromArgs(options.toArray(String[]::new)).create(),
                output));
      }
    }
    String stats = stats();
    if (workload.startsWith("B3")) {
      // after the measures: computing the expected checksum is no part of the run
      checkPanes(input, StreamingWordCount.Variant.of(workload));
    }
    System.out.println(stats);
    System.exit(0); // a runner's lingering non-daemon threads must not keep the process alive
  }

  /**
   * Runs a built pipeline to its end, from when {@code run()} is called: what comes before it (the
   * JVM's start, Beam's option parsing, the pipeline's construction) is the same whichever runner
   * runs it.
   */
  private static void runToTheEnd(Pipeline pipeline) {
    runStartNanos = System.nanoTime();
    pipeline.run().waitUntilFinish();
  }

  /**
   * The process's CPU time and peak resident memory so far, and the time since the run began, as
   * {@link Bench} reads them.
   */
  private static String stats() throws IOException {
    long cpuMillis =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1_000_000;
    long runMillis = (System.nanoTime() - runStartNanos) / 1_000_000;
    return STATS
        + " cpuMillis="
        + cpuMillis
        + " peakRssKb="
        + peakRssKb()
        + " runMillis="
        + runMillis;
  }

  private static List<String> runnerOptions(String runner, int parallelism) {
    List<String> options = new ArrayList<>(List.of("--runner=" + runner));
    options.add(
        switch (runner) {
          case "DirectRunner" -> "--targetParallelism=" + parallelism;
          case "SparkRunner" -> "--sparkMaster=local[" + parallelism + "]";
          default -> "--parallelism=" + parallelism; // MicroBatchRunner, FlinkRunner
        });
    return options;
  }

  /** B3 at {@code rate = wordsPerSecond:seconds:batchIntervalMillis}. */
  private static void streaming(
      String runner, String rate, int parallelism, StreamingWordCount.Variant variant) {
    long wordsPerSecond = Long.parseLong(rate.split(":")[0]);
    long seconds = Long.parseLong(rate.split(":")[1]);
    long batchMillis = Long.parseLong(rate.split(":")[2]);
    List<String> options = runnerOptions(runner, parallelism);
    options.add("--streaming");
    if (runner.equals("MicroBatchRunner") || runner.equals("SparkRunner")) {
      // SparkRunner's own option of the same name: its streaming mode's batch interval
      options.add("--batchIntervalMillis=" + batchMillis);
    }
    if (runner.equals("SparkRunner")) {
      // its sources read for at least this long a batch (200 ms of its default 500 ms batches),
      // which it requires to be shorter than the batch: Spark's default share of the batch
      options.add("--minReadTimeMillis=" + batchMillis * 2 / 5);
    }
    if (runner.equals("FlinkRunner")) {
      // Tuned for latency, as a Flink user would: with its defaults (bundles of up to 1 s, a
      // watermark every 200 ms) each pane waited 1 to 3 s in bundles at any rate.
      options.addAll(List.of("--maxBundleTimeMills=100", "--autoWatermarkInterval=100"));
    }
    runToTheEnd(
        StreamingWordCount.build(
            wordsPerSecond,
            seconds,
            variant,
            PipelineOptionsFactory.fromArgs(options.toArray(String[]::new)).create()));
  }

  /** Prints what the panes of B3 at {@code rate = wordsPerSecond:seconds} recorded. */
  private static void checkPanes(String rate, StreamingWordCount.Variant variant) {
    long wordsPerSecond = Long.parseLong(rate.split(":")[0]);
    long seconds = Long.parseLong(rate.split(":")[1]);
    boolean exact =
        StreamingWordCount.checksum()
            == StreamingWordCount.expectedChecksum(wordsPerSecond, seconds, variant);
    System.out.println(
        STREAM
            + " panes="
            + StreamingWordCount.panes()
            + " exact="
            + exact
            + " p50="
            + StreamingWordCount.latencyPercentile(0.5)
            + " p99="
            + StreamingWordCount.latencyPercentile(0.99));
  }

  /** The part of B2 a workload name like {@code B2-many-keys} names. */
  static GroupHeavy.Part part(String workload) {
    return switch (workload) {
      case "B2-many-keys" -> GroupHeavy.Part.MANY_KEYS;
      case "B2-hot-keys" -> GroupHeavy.Part.HOT_KEYS;
      case "B2-join" -> GroupHeavy.Part.SIDE_INPUT_JOIN;
      default -> throw new IllegalArgumentException("Unknown workload " + workload);
    };
  }

  /** VmHWM of /proc/self/status: the most resident memory this process has had. */
  private static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
