package dev.microbatch.examples;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.StreamingContext;
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

  public static void main(String[] args) throws InterruptedException {
    String host = args.length > 0 ? args[0] : "localhost";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 9999;
    StreamingContext ssc =
        new StreamingContext(Duration.ofSeconds(1), Runtime.getRuntime().availableProcessors());
    wordCounts(ssc.socketTextStream(host, port)).print();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ssc.stop(true)));
    ssc.start();
    ssc.awaitTermination();
  }
}
