package dev.microbatch.examples;

import java.util.Map;

/**
 * The examples' console, however they are started: their output, warnings and errors from
 * everywhere, and the runner's few INFO lines (where the status page is, a connection made); a
 * streaming job's per-batch lines are DEBUG. Under {@code ./mvnw -q ... exec:java} the example runs
 * in Maven's JVM and logs through Maven's SLF4J, whose {@code -q} hides everything below ERROR:
 * both read the same {@code org.slf4j.simpleLogger.log.<name>} properties when a logger is made, so
 * setting them before the first logger of these packages exists gives the same console either way.
 * A level given with {@code -D} on the command line wins.
 */
public final class ExampleLogging {
  private static final Map<String, String> LEVELS =
      Map.of(
          "dev.microbatch", "info",
          "org.apache.beam", "warn",
          "org.apache.kafka", "warn",
          "kafka", "warn");

  private ExampleLogging() {}

  /** Call first in main, before any logger of the runner, Beam or Kafka is made. */
  public static void apply() {
    LEVELS.forEach(
        (name, level) -> {
          String property = "org.slf4j.simpleLogger.log." + name;
          if (System.getProperty(property) == null) {
            System.setProperty(property, level);
          }
        });
  }
}
