package dev.microbatch.benchmarks;

import dev.microbatch.examples.ExampleLogging;
import dev.microbatch.examples.WordCount;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Where the WordCount example's start-up goes: its main, step by step, each step's wall time and
 * the classes it loaded. Run it on the class path under study with the example's arguments (a tiny
 * {@code --inputFile}, so that the count itself is nothing); it prints one line per phase, the
 * first being the JVM's own start up to main.
 */
public final class StartupPhases {
  private record Phase(String name, long millis, long classes) {}

  private final List<Phase> phases = new ArrayList<>();
  private long lastNanos = System.nanoTime();
  private long lastClasses = loadedClasses();

  private StartupPhases() {}

  public static void main(String[] args) throws Exception {
    // the JVM's uptime, from its own clock: the process's start instant is rounded to the
    // second's fraction the kernel's boot time has, up to a second off
    long sinceJvmStart = ManagementFactory.getRuntimeMXBean().getUptime();
    StartupPhases timer = new StartupPhases();
    timer.phases.add(new Phase("JVM start to main", sinceJvmStart, timer.lastClasses));

    ExampleLogging.apply();
    PipelineOptionsFactory.register(WordCount.Options.class);
    WordCount.Options options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(WordCount.Options.class);
    timer.done("options (PipelineOptionsFactory: registrars, validation)");
    Pipeline pipeline = WordCount.build(options);
    timer.done("pipeline construction");
    pipeline.run().waitUntilFinish();
    timer.done("run() to the end (translation, execution, output)");

    long total = 0;
    for (Phase phase : timer.phases) {
      total += phase.millis();
      System.out.printf(
          "STARTUP %-60s %6d ms %6d classes%n", phase.name(), phase.millis(), phase.classes());
    }
    System.out.printf("STARTUP %-60s %6d ms %6d classes%n", "total", total, loadedClasses());
    System.exit(0);
  }

  private void done(String phase) {
    long now = System.nanoTime();
    long classes = loadedClasses();
    phases.add(new Phase(phase, (now - lastNanos) / 1_000_000, classes - lastClasses));
    lastNanos = now;
    lastClasses = classes;
  }

  private static long loadedClasses() {
    return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
  }
}
