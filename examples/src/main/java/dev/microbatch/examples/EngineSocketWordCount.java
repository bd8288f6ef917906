package dev.microbatch.examples;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.time.Duration;
import java.util.Arrays;

/**
 * Spark Streaming's network word count on the engine alone, no Beam: every second, the counts of
 * the words typed into {@code nc -lk 9999} during that second.
 *
 * <p>Arguments: {@code [host] [port]}, by default {@code localhost 9999}.
 */
public final class EngineSocketWordCount {
  private EngineSocketWordCount() {}

  /** Splits each line into words and counts them per batch. */
  static DStream<Pair<String, Integer>> wordCounts(DStream<String> lines) {
    return lines
        .flatMap(line -> Arrays.asList(line.split(" ")))
        .filter(word -> !word.isEmpty())
        .reduceByKey(word -> word, word -> 1, Integer::sum);
  }

  static final String USAGE =
      "Usage: EngineSocketWordCount [host] [port], by default localhost 9999";

  /** Where to read from. */
  record Address(String host, int port) {}

  /** The arguments read; IllegalArgumentException, ending in the usage line, if they are wrong. */
  static Address address(String[] args) {
    if (args.length > 2) {
      throw new IllegalArgumentException("Too many arguments\n" + USAGE);
    }
    String host = args.length > 0 ? args[0] : "localhost";
    int port;
    try {
      port = args.length > 1 ? Integer.parseInt(args[1]) : 9999;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a port: " + args[1] + "\n" + USAGE, e);
    }
    try {
      SocketLineReceiver.checkPort(host, port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
    }
    return new Address(host, port);
  }

  public static void main(String[] args) throws InterruptedException {
    ExampleLogging.apply();
    Address address;
    try {
      address = address(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    StreamingContext ssc =
        new StreamingContext(Duration.ofSeconds(1), Runtime.getRuntime().availableProcessors());
    wordCounts(ssc.socketTextStream(address.host(), address.port())).print();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ssc.stop(true)));
    ssc.start();
    ssc.awaitTermination();
  }
}
