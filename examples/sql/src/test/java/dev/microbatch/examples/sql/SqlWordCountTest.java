package dev.microbatch.examples.sql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.microbatch.examples.WordCount;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlWordCountTest {
  private static final Map<String, Long> STREAMED = new ConcurrentHashMap<>();

  @Test
  void inBatchItsCountsOfTheBundledTextEqualWordCounts(@TempDir Path dir) throws Exception {
    String sql = dir.resolve("sql").toString();
    String plain = dir.resolve("plain").toString();
    SqlWordCount.batch(options(SqlWordCount.Options.class, "--output=" + sql))
        .run()
        .waitUntilFinish();
    WordCount.build(options(WordCount.Options.class, "--output=" + plain)).run().waitUntilFinish();

    Map<String, Long> bySql = counts(dir, "sql");
    assertThat(bySql.size(), greaterThan(200));
    assertThat(bySql, equalTo(counts(dir, "plain")));
  }

  @Test
  void inStreamingItCountsTheSocketsLinesPerTumbleWindow() throws Exception {
    STREAMED.clear();
    List<String> lines = List.of("to be or not to be", "that is the question", "to be");
    try (ServerSocket server = new ServerSocket(0)) {
      SqlWordCount.Options options =
          options(
              SqlWordCount.Options.class,
              "--streaming",
              "--batchIntervalMillis=100",
              "--blockOnRun=false",
              "--port=" + server.getLocalPort(),
              "--windowSeconds=1");
      Pipeline pipeline = Pipeline.create(options);
      SqlWordCount.countsPerWindow(pipeline, options).apply(ParDo.of(new AddUp()));
      MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
      Map<String, Long> sent = new TreeMap<>();
      try (Socket client = server.accept()) {
        OutputStream out = client.getOutputStream();
        for (String line : lines) {
          out.write((line + "\n").getBytes(UTF_8));
          for (String word : line.split(" ")) {
            sent.merge(word, 1L, Long::sum);
          }
        }
        out.flush();
        // every window closes once processing time passes its end: wait for the counts, not a time
        long deadline = System.currentTimeMillis() + 60_000;
        while (!new TreeMap<>(STREAMED).equals(sent) && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        result.cancel();
      }
      assertThat(new TreeMap<>(STREAMED), equalTo(sent));
    }
  }

  private static <T extends org.apache.beam.sdk.options.PipelineOptions> T options(
      Class<T> type, String... args) {
    String[] all =
        Stream.concat(Stream.of("--runner=MicroBatchRunner", "--parallelism=2"), Stream.of(args))
            .toArray(String[]::new);
    return PipelineOptionsFactory.fromArgs(all).as(type);
  }

  /** Every {@code word: count} line of the files {@code prefix-*} in {@code dir}. */
  private static Map<String, Long> counts(Path dir, String prefix) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith(prefix + "-")).toList()) {
        for (String line : Files.readAllLines(file)) {
          int colon = line.lastIndexOf(": ");
          Long before =
              counts.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2)));
          assertThat("one count per word: " + line, before, equalTo(null));
        }
      }
    }
    return counts;
  }

  /** Adds up each word's counts over the windows. */
  private static final class AddUp extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row count) {
      STREAMED.merge(count.getString("word"), count.getInt64("n"), Long::sum);
    }
  }
}
