package dev.microbatch.benchmarks;

import dev.microbatch.examples.WordCount;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * One measured run, in a process of its own: the B1 word count of {@code input} into {@code
 * outputDir}, by a Beam runner (the examples' WordCount, unchanged) or by the hand-written
 * program. Prints its CPU time and peak resident memory last, for {@link Bench}.
 *
 * <p>Arguments: {@code <runner | hand-written> <input> <outputDir> <parallelism>}.
 */
public final class RunWorkload {
  static final String HAND_WRITTEN = "hand-written";
  static final String STATS = "BENCH-STATS";

  private RunWorkload() {}

  public static void main(String[] args) throws Exception {
    String runner = args[0];
    Path input = Path.of(args[1]);
    Path outputDir = Path.of(args[2]);
    int parallelism = Integer.parseInt(args[3]);
    Files.createDirectories(outputDir);
    if (runner.equals(HAND_WRITTEN)) {
      HandWrittenWordCount.run(input, outputDir.resolve("counts.txt"), parallelism);
    } else {
      List<String> options = new ArrayList<>(List.of(
          "--runner=" + runner,
          "--inputFile=" + input,
          "--output=" + outputDir.resolve("counts")));
      options.add(
          switch (runner) {
            case "DirectRunner" -> "--targetParallelism=" + parallelism;
            case "SparkRunner" -> "--sparkMaster=local[" + parallelism + "]";
            default -> "--parallelism=" + parallelism; // MicroBatchRunner, FlinkRunner
          });
      WordCount.Options wordCount =
          PipelineOptionsFactory.fromArgs(options.toArray(String[]::new)).as(WordCount.Options.class);
      WordCount.build(wordCount).run().waitUntilFinish();
    }
    long cpuMillis =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1_000_000;
    System.out.println(STATS + " cpuMillis=" + cpuMillis + " peakRssKb=" + peakRssKb());
    System.exit(0); // a runner's lingering non-daemon threads must not keep the process alive
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
