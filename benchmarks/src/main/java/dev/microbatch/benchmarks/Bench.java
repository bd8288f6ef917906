package dev.microbatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a workload on each runner as a whole process, round after round, interleaved runner by
 * runner so that machine noise hits all alike; checks every run's output against the hand-written
 * program's; writes a markdown table of medians and ratios.
 *
 * <p>Run with {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl benchmarks exec:exec
 * -Dbench.args="..."}. Workloads: {@code --workload=B0} (start-up: the word count of a 3-word
 * file), {@code B1} (the word count on one size, every runner; {@code WordCount-example} is the
 * examples' own main on their class path, as README's first command runs it, and {@code
 * WordCount-example-CDS} the same with a class-data sharing archive), {@code B2} (the group-heavy
 * parts of {@link GroupHeavy} over {@code --elements} numbers), {@code B3} (the streaming word
 * count of {@link StreamingWordCount}, each runner climbing {@code --rates} for {@code --seconds}
 * each; {@code B3-group} counts through a GroupByKey, {@code B3-session} each word's sessions) and
 * {@code B4} (the word count's scaling over {@code --sizesMb=50,100,200,400}, and parallelism 1
 * against 2 at 200 MB). Options: {@code --sizeMb=200 --elements=10000000 --rounds=3
 * --runners=hand-written,MicroBatchRunner,DirectRunner --parallelism=2 --timeoutSeconds=300
 * --results=benchmarks/results-B1.md}, and {@code --heapMb=768}: every measured process's maximum
 * heap (-Xmx), to see what a runner does when its data does not fit (the JVM's default otherwise),
 * and {@code --batchIntervalMillis=1000}: MicroBatchRunner's batch interval in B3.
 */
public final class Bench {
  private static final long SEED = 42;

  /**
   * The examples' WordCount main, unchanged, on the examples module's run-time class path: what
   * README's first command runs.
   */
  static final String EXAMPLE = "WordCount-example";

  /**
   * The same, started with a class-data sharing archive of its classes: what the JDK's AppCDS gives
   * the example's start-up. Java 17 needs a flag for it ({@code -XX:SharedArchiveFile}), so it is
   * measured as a row of its own, never folded into the example's.
   */
  static final String EXAMPLE_CDS = "WordCount-example-CDS";

  private static final Pattern STATS =
      Pattern.compile(RunWorkload.STATS + " cpuMillis=(\\d+) peakRssKb=(-?\\d+) runMillis=(\\d+)");
  private static final Pattern STREAM =
      Pattern.compile(
          RunWorkload.STREAM + " panes=(\\d+) exact=(true|false) p50=(\\d+) p99=(\\d+)");

  /**
   * B3: a rate is held when the panes come out exact, 99 in 100 within this of their window's end.
   */
  private static final long HELD_P99_MILLIS = 2000;

  /** The -Xmx of every measured process, from --heapMb; none (the JVM's default) without it. */
  private static List<String> heapFlags = List.of();

  /** Whether this harness run has made the example's class-data sharing archive yet. */
  private static boolean exampleArchiveMade;

  private Bench() {}

  /**
   * One process's measurements; wall 0 if it did not finish in time. runMillis is the part from
   * {@code Pipeline.run()} to the end (the hand-written program: all of its work). B3 runs also
   * have their panes' latency percentiles, and whether the panes were exact (as outputAsBaseline).
   */
  record Run(
      long wallMillis,
      long cpuMillis,
      long peakRssKb,
      long runMillis,
      boolean outputAsBaseline,
      long p50Millis,
      long p99Millis) {
    static final Run NOT_FINISHED = new Run(0, 0, 0, 0, false, -1, -1);

    Run withOutputAsBaseline(boolean asBaseline) {
      return new Run(wallMillis, cpuMillis, peakRssKb, runMillis, asBaseline, p50Millis, p99Millis);
    }

    boolean finished() {
      return wallMillis > 0;
    }

    boolean held() {
      return finished() && outputAsBaseline && p99Millis < HELD_P99_MILLIS;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    String workload = options.getOrDefault("workload", "B1");
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    int parallelism = Integer.parseInt(options.getOrDefault("parallelism", "2"));
    long timeoutSeconds = Long.parseLong(options.getOrDefault("timeoutSeconds", "300"));
    if (options.containsKey("heapMb")) {
      heapFlags = List.of("-Xmx" + Integer.parseInt(options.get("heapMb")) + "m");
    }
    String defaultRunners =
        switch (workload) {
          case "B3", "B3-group", "B3-session" -> "MicroBatchRunner,DirectRunner";
          case "B4" -> "hand-written,MicroBatchRunner";
          case "B0" -> "hand-written," + EXAMPLE + "," + EXAMPLE_CDS + ",MicroBatchRunner";
          default -> "hand-written," + EXAMPLE + ",MicroBatchRunner,DirectRunner";
        };
    List<String> runners =
        Arrays.asList(options.getOrDefault("runners", defaultRunners).split(","));
    Path results = Path.of(options.getOrDefault("results", "results-" + workload + ".md"));
    if (!workload.startsWith("B3") && !runners.get(0).equals(RunWorkload.HAND_WRITTEN)) {
      throw new IllegalArgumentException(
          "--runners must start with hand-written: every output is checked against it");
    }
    String command =
        "`./mvnw -q -pl benchmarks exec:exec -Dbench.args=\"" + String.join(" ", args) + "\"`";
    String table;
    switch (workload) {
      case "B1" -> {
        int sizeMb = Integer.parseInt(options.getOrDefault("sizeMb", "200"));
        Path input = input(sizeMb);
        Map<String, List<Run>> runs =
            measure("B1", runners, input.toString(), parallelism, rounds, timeoutSeconds);
        table =
            header(
                    "B1 word count, " + sizeMb + " MB Zipf text (" + Files.size(input) + " bytes)",
                    parallelism,
                    command)
                + table(runs);
      }
      case "B0" -> {
        // start-up: the word count of three words, where all but the JVM's and the runner's
        // fixed costs is nothing
        Path input = Path.of("target", "bench", "three-words.txt");
        Files.createDirectories(input.getParent());
        Files.writeString(input, "to be or\n");
        Map<String, List<Run>> runs =
            measure("B1", runners, input.toString(), parallelism, rounds, timeoutSeconds);
        table =
            header("B0 start-up: the word count of a 3-word file", parallelism, command)
                + table(runs);
      }
      case "B2" -> {
        String elements = options.getOrDefault("elements", "10000000");
        StringBuilder t = new StringBuilder();
        for (String part : List.of("B2-many-keys", "B2-hot-keys", "B2-join")) {
          Map<String, List<Run>> runs =
              measure(part, runners, elements, parallelism, rounds, timeoutSeconds);
          t.append(
                  header(
                      part + " (" + RunWorkload.part(part) + "), " + elements + " numbers",
                      parallelism,
                      command))
              .append(table(runs))
              .append('\n');
        }
        table = t.toString();
      }
      case "B4" -> {
        StringBuilder t =
            new StringBuilder(header("B4 scaling of the B1 word count", parallelism, command));
        t.append(
            "| runner | size | parallelism | wall median | wall min-max | from run() median | MB/s | output as hand-written |\n");
        t.append("|---|---|---|---|---|---|---|---|\n");
        String speedups = "";
        for (String size : options.getOrDefault("sizesMb", "50,100,200,400").split(",")) {
          int sizeMb = Integer.parseInt(size);
          Path input = input(sizeMb);
          // at 200 MB also parallelism 1, interleaved with the other so that noise hits both alike
          List<Integer> parallelisms =
              parallelism > 1 && sizeMb == 200 ? List.of(parallelism, 1) : List.of(parallelism);
          Map<Integer, Map<String, List<Run>>> runs =
              measure("B1", runners, input.toString(), parallelisms, rounds, timeoutSeconds);
          runs.forEach((p, byRunner) -> scalingRows(t, byRunner, sizeMb, p));
          if (parallelisms.size() > 1) {
            speedups = speedups(runs.get(parallelism), runs.get(1), parallelism, sizeMb);
          }
        }
        table = t.append(speedups).toString();
      }
      case "B3", "B3-group", "B3-session" -> {
        long seconds = Long.parseLong(options.getOrDefault("seconds", "60"));
        long batchMillis = Long.parseLong(options.getOrDefault("batchIntervalMillis", "1000"));
        List<Long> rates =
            Arrays.stream(
                    options
                        .getOrDefault("rates", "1000,10000,100000,250000,500000,1000000,2000000")
                        .split(","))
                .map(Long::parseLong)
                .toList();
        table =
            header(
                    workload
                        + " streaming word count"
                        + switch (StreamingWordCount.Variant.of(workload)) {
                          case COMBINE -> ", 1 s windows";
                          case GROUP -> " by a GroupByKey, 1 s windows";
                          case SESSION -> " by a GroupByKey, sessions of 1 s gap";
                        }
                        + " (MicroBatchRunner and SparkRunner: "
                        + batchMillis
                        + " ms batches), "
                        + seconds
                        + " s a rate",
                    parallelism,
                    command)
                + streamingTable(
                    workload, runners, rates, seconds, batchMillis, parallelism, timeoutSeconds);
      }
      default ->
          throw new IllegalArgumentException(
              "Unknown --workload="
                  + workload
                  + "; there are B0, B1, B2, B3, B3-group, B3-session and B4");
    }
    Files.writeString(results, table);
    System.out.println(table);
  }

  /** The generated input of {@code sizeMb} MiB, made on first use and kept for later runs. */
  private static Path input(int sizeMb) throws IOException {
    Path work = Path.of("target", "bench");
    Path input = work.resolve("zipf-" + sizeMb + "mb-seed" + SEED + ".txt");
    if (!Files.exists(input)) {
      Files.createDirectories(work);
      System.out.println("Generating " + input + " ...");
      ZipfText.write(input, sizeMb * 1024L * 1024L, SEED);
    }
    return input;
  }

  /**
   * Every runner on {@code input}, round after round; outputs checked against the first runner's.
   */
  private static Map<String, List<Run>> measure(
      String workload,
      List<String> runners,
      String input,
      int parallelism,
      int rounds,
      long timeoutSeconds)
      throws Exception {
    return measure(workload, runners, input, List.of(parallelism), rounds, timeoutSeconds)
        .get(parallelism);
  }

  /**
   * Every runner at each of {@code parallelisms} on {@code input}, interleaved within each round;
   * outputs checked against the first runner's first. The runs by parallelism, then by runner.
   */
  private static Map<Integer, Map<String, List<Run>>> measure(
      String workload,
      List<String> runners,
      String input,
      List<Integer> parallelisms,
      int rounds,
      long timeoutSeconds)
      throws Exception {
    Map<Integer, Map<String, List<Run>>> runs = new LinkedHashMap<>();
    List<String> baseline = null;
    for (int round = 1; round <= rounds; round++) {
      for (int parallelism : parallelisms) {
        for (String runner : runners) {
          Path out = Path.of("target", "bench", "out-" + runner + "-" + round);
          deleteTree(out);
          Run run = runOnce(workload, runner, input, out, parallelism, timeoutSeconds);
          List<String> lines = run.finished() ? sortedOutput(out) : List.of();
          if (runner.equals(RunWorkload.HAND_WRITTEN) && baseline == null) {
            baseline = lines;
          }
          run = run.withOutputAsBaseline(run.finished() && lines.equals(baseline));
          runs.computeIfAbsent(parallelism, p -> new LinkedHashMap<>())
              .computeIfAbsent(runner, r -> new ArrayList<>())
              .add(run);
          System.out.printf(
              "%s %s p%d round %d %-16s %s%n",
              workload,
              Path.of(input).getFileName(),
              parallelism,
              round,
              runner,
              run.finished()
                  ? run.wallMillis()
                      + " ms wall, "
                      + run.cpuMillis()
                      + " ms CPU, output "
                      + (run.outputAsBaseline() ? "as baseline" : "DIFFERS")
                  : "did not finish in " + timeoutSeconds + " s");
          deleteTree(out);
        }
      }
    }
    return runs;
  }

  /**
   * B3: each runner climbs the rates (words per second) until one is not held; a row per rate
   * tried, then the highest rate each runner held.
   */
  private static String streamingTable(
      String workload,
      List<String> runners,
      List<Long> rates,
      long seconds,
      long batchMillis,
      int parallelism,
      long timeoutSeconds)
      throws Exception {
    StringBuilder t = new StringBuilder();
    t.append(
        "| runner | words/s offered | pane latency p50 | p99 | panes exact | held | CPU | peak RSS |\n");
    t.append("|---|---|---|---|---|---|---|---|\n");
    Map<String, Long> highest = new LinkedHashMap<>();
    for (String runner : runners) {
      highest.put(runner, 0L);
      for (long rate : rates) {
        Path out = Path.of("target", "bench", "out-" + runner);
        Run run =
            runOnce(
                workload,
                runner,
                rate + ":" + seconds + ":" + batchMillis,
                out,
                parallelism,
                seconds + timeoutSeconds);
        System.out.printf("%s %s %d words/s: %s%n", workload, runner, rate, run);
        t.append(
            run.finished()
                ? String.format(
                    "| %s | %,d | %.2f s | %.2f s | %s | %s | %.1f s | %d MiB |%n",
                    runner,
                    rate,
                    run.p50Millis() / 1000.0,
                    run.p99Millis() / 1000.0,
                    run.outputAsBaseline() ? "yes" : "NO",
                    run.held() ? "yes" : "no",
                    run.cpuMillis() / 1000.0,
                    run.peakRssKb() / 1024)
                : String.format(
                    "| %s | %,d | did not finish in %d s | | | no | | |%n",
                    runner, rate, seconds + timeoutSeconds));
        if (!run.held()) {
          break;
        }
        highest.put(runner, rate);
      }
    }
    t.append("\nHighest rate held (panes exact, p99 under ")
        .append(HELD_P99_MILLIS / 1000)
        .append(" s): ");
    highest.forEach((runner, rate) -> t.append(String.format("%s %,d words/s; ", runner, rate)));
    return t.append('\n').toString();
  }

  /**
   * How many times as fast parallelism {@code parallelism} ran as parallelism 1, median against
   * median: the whole process, and from {@code Pipeline.run()} to the end.
   */
  static String speedups(
      Map<String, List<Run>> at, Map<String, List<Run>> atOne, int parallelism, int sizeMb) {
    StringBuilder whole = new StringBuilder();
    StringBuilder fromRun = new StringBuilder();
    at.forEach(
        (runner, runs) -> {
          List<Run> done = runs.stream().filter(Run::finished).toList();
          List<Run> doneAtOne = atOne.get(runner).stream().filter(Run::finished).toList();
          if (!done.isEmpty() && !doneAtOne.isEmpty()) {
            whole.append(
                String.format(
                    " %s %.2fx;",
                    runner,
                    (double) median(doneAtOne, Run::wallMillis) / median(done, Run::wallMillis)));
            fromRun.append(
                String.format(
                    " %s %.2fx;",
                    runner,
                    (double) median(doneAtOne, Run::runMillis) / median(done, Run::runMillis)));
          }
        });
    return String.format(
        "%nParallelism %d against 1 at %d MB (median time at 1 / median time at %d): the whole process:%s"
            + " from Pipeline.run() to the end (without the JVM's start, Beam's option parsing and the"
            + " pipeline's construction):%s%n",
        parallelism, sizeMb, parallelism, whole, fromRun);
  }

  private static void scalingRows(
      StringBuilder t, Map<String, List<Run>> runs, int sizeMb, int parallelism) {
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      List<Run> done = entry.getValue().stream().filter(Run::finished).toList();
      if (done.isEmpty()) {
        t.append("| ")
            .append(entry.getKey())
            .append(" | ")
            .append(sizeMb)
            .append(" MB | ")
            .append(parallelism)
            .append(" | did not finish | | | | |\n");
        continue;
      }
      long wall = median(done, Run::wallMillis);
      t.append(
          String.format(
              "| %s | %d MB | %d | %.1f s | %.1f-%.1f s | %.1f s | %.0f | %s |%n",
              entry.getKey(),
              sizeMb,
              parallelism,
              wall / 1000.0,
              done.stream().mapToLong(Run::wallMillis).min().getAsLong() / 1000.0,
              done.stream().mapToLong(Run::wallMillis).max().getAsLong() / 1000.0,
              median(done, Run::runMillis) / 1000.0,
              sizeMb * 1000.0 / wall,
              allAsBaseline(entry.getValue(), done)));
    }
  }

  private static String allAsBaseline(List<Run> all, List<Run> done) {
    return done.size() == all.size() && done.stream().allMatch(Run::outputAsBaseline)
        ? "yes, all " + done.size()
        : "NO";
  }

  private static Run runOnce(
      String workload, String runner, String input, Path out, int parallelism, long timeoutSeconds)
      throws IOException, InterruptedException {
    if (runner.equals(EXAMPLE)) {
      return runExample(List.of(), input, out, parallelism, timeoutSeconds);
    }
    if (runner.equals(EXAMPLE_CDS)) {
      return runExample(
          List.of("-XX:SharedArchiveFile=" + exampleArchive(parallelism, timeoutSeconds)),
          input,
          out,
          parallelism,
          timeoutSeconds);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JAVA_17_OPENS);
    command.addAll(heapFlags);
    command.addAll(
        List.of(
            "-cp",
            classPathOf(runner),
            RunWorkload.class.getName(),
            workload,
            runner,
            input,
            out.toString(),
            String.valueOf(parallelism)));
    Path log = Files.createTempFile("bench-" + runner, ".log");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      return Run.NOT_FINISHED;
    }
    long wallMillis = (System.nanoTime() - start) / 1_000_000;
    String printed = Files.readString(log);
    Files.delete(log);
    Matcher stats = STATS.matcher(printed);
    if (process.exitValue() != 0 || !stats.find()) {
      throw new IllegalStateException(
          runner + " failed (exit " + process.exitValue() + "):\n" + printed);
    }
    Matcher stream = STREAM.matcher(printed);
    boolean streamed = stream.find();
    return new Run(
        wallMillis,
        Long.parseLong(stats.group(1)),
        Long.parseLong(stats.group(2)),
        Long.parseLong(stats.group(3)),
        streamed && Boolean.parseBoolean(stream.group(2)),
        streamed ? Long.parseLong(stream.group(3)) : -1,
        streamed ? Long.parseLong(stream.group(4)) : -1);
  }

  /**
   * The class-data sharing archive of the example's classes, made once per harness run, untimed, by
   * a run of the example on a 3-word file that writes its loaded classes at exit (the JDK's dynamic
   * archive, which holds only for this class path with these jars).
   */
  private static Path exampleArchive(int parallelism, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path archive = Path.of("target", "bench", "wordcount-example.jsa").toAbsolutePath();
    if (exampleArchiveMade) {
      return archive;
    }
    Files.deleteIfExists(archive);
    Path input = Path.of("target", "bench", "archive-words.txt");
    Files.writeString(input, "to be or\n");
    Path out = Path.of("target", "bench", "out-archive");
    deleteTree(out);
    Run run =
        runExample(
            List.of("-XX:ArchiveClassesAtExit=" + archive),
            input.toString(),
            out,
            parallelism,
            timeoutSeconds);
    if (!run.finished() || !Files.exists(archive)) {
      throw new IllegalStateException(EXAMPLE_CDS + ": no archive was written at " + archive);
    }
    exampleArchiveMade = true;
    return archive;
  }

  /**
   * The examples' WordCount main as a user starts it (no flags but {@code jvmFlags}), on the
   * examples' class path; its CPU and peak RSS read from outside ({@link ProcessStats}), and no
   * "from run()" time.
   */
  private static Run runExample(
      List<String> jvmFlags, String input, Path out, int parallelism, long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            classPathOf(EXAMPLE),
            "dev.microbatch.examples.WordCount",
            "--runner=MicroBatchRunner",
            "--inputFile=" + input,
            "--output=" + out.resolve("counts"),
            "--parallelism=" + parallelism));
    Path log = Files.createTempFile("bench-example", ".log");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ProcessStats stats = ProcessStats.watch(process);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return Run.NOT_FINISHED;
    }
    long wallMillis = (System.nanoTime() - start) / 1_000_000;
    stats.finish();
    String printed = Files.readString(log);
    Files.delete(log);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          EXAMPLE + " failed (exit " + process.exitValue() + "):\n" + printed);
    }
    return new Run(wallMillis, stats.cpuMillis(), stats.peakRssKb(), 0, false, -1, -1);
  }

  /**
   * What Spark (and Flink) need opened on Java 17, as Spark's own launcher passes it; every
   * measured process gets the same flags.
   */
  private static final List<String> JAVA_17_OPENS =
      Stream.of(
              "java.lang",
              "java.lang.invoke",
              "java.lang.reflect",
              "java.io",
              "java.net",
              "java.nio",
              "java.util",
              "java.util.concurrent",
              "java.util.concurrent.atomic",
              "sun.nio.ch",
              "sun.nio.cs",
              "sun.security.action",
              "sun.util.calendar")
          .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED")
          .toList();

  /**
   * Beam's runners each get the class path their module wrote (Flink's and Spark's with the profile
   * 'peers'), so no process carries another runner; this runner and the hand-written program this
   * process's own.
   */
  private static String classPathOf(String runner) throws IOException {
    String module =
        switch (runner) {
          case "DirectRunner" -> "direct-runner";
          case "FlinkRunner" -> "flink-runner";
          case "SparkRunner" -> "spark-runner";
          case EXAMPLE -> "examples-classpath";
          default -> null;
        };
    if (module == null) {
      return System.getProperty("java.class.path");
    }
    Path file = Path.of(module, "target", "classpath.txt");
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          runner
              + " needs "
              + file.toAbsolutePath()
              + ": build it first with"
              + " ./mvnw -q install -DskipTests -Ppeers");
    }
    return Files.readString(file).trim();
  }

  private static List<String> sortedOutput(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("counts")).toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    lines.sort(null);
    return lines;
  }

  private static String header(String what, int parallelism, String command) throws IOException {
    return what
        + ", parallelism "
        + parallelism
        + (heapFlags.isEmpty() ? "" : ", " + heapFlags.get(0))
        + "; "
        + LocalDate.now()
        + ", "
        + machine()
        + "\nCommand: "
        + command
        + "\n\n";
  }

  static String table(Map<String, List<Run>> runs) {
    long baselineWall = median(runs.get(RunWorkload.HAND_WRITTEN), Run::wallMillis);
    StringBuilder t = new StringBuilder();
    t.append(
        "| runner | wall median | wall min-max | CPU median | peak RSS median | wall / hand-written | output as hand-written |\n");
    t.append("|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      List<Run> done = entry.getValue().stream().filter(Run::finished).toList();
      if (done.isEmpty()) {
        t.append("| ").append(entry.getKey()).append(" | did not finish | | | | | |\n");
        continue;
      }
      long wall = median(done, Run::wallMillis);
      t.append(
          String.format(
              "| %s | %.1f s | %.1f-%.1f s | %.1f s | %d MiB | %.1fx | %s |%n",
              entry.getKey(),
              wall / 1000.0,
              done.stream().mapToLong(Run::wallMillis).min().getAsLong() / 1000.0,
              done.stream().mapToLong(Run::wallMillis).max().getAsLong() / 1000.0,
              median(done, Run::cpuMillis) / 1000.0,
              median(done, Run::peakRssKb) / 1024,
              (double) wall / baselineWall,
              allAsBaseline(entry.getValue(), done)));
    }
    return t.toString();
  }

  private static long median(List<Run> runs, java.util.function.ToLongFunction<Run> of) {
    long[] values = runs.stream().mapToLong(of).sorted().toArray();
    return values[values.length / 2];
  }

  private static String machine() throws IOException {
    String memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + memory
        + ", Java "
        + System.getProperty("java.version");
  }

  private static final List<String> OPTIONS =
      List.of(
          "workload",
          "sizeMb",
          "sizesMb",
          "elements",
          "rates",
          "seconds",
          "rounds",
          "runners",
          "parallelism",
          "timeoutSeconds",
          "results",
          "heapMb",
          "batchIntervalMillis");

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("Options look like --name=value, not " + arg);
      }
      String name = arg.substring(2, arg.indexOf('='));
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException(
            "Unknown option --" + name + "; the options are " + OPTIONS);
      }
      options.put(name, arg.substring(arg.indexOf('=') + 1));
    }
    return options;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
