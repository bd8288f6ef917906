package dev.microbatch.examples.sql;

import dev.microbatch.examples.CountWords;
import dev.microbatch.examples.ExampleLogging;
import dev.microbatch.examples.SocketWordCount;
import dev.microbatch.examples.WordCount;
import dev.microbatch.io.socket.SocketIO;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.sql.BeamSqlUdf;
import org.apache.beam.sdk.extensions.sql.SqlTransform;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * The word count as one Beam SQL query over the lines. In batch mode it counts a file (by default
 * the bundled text) and writes {@code word: count} lines, the same counts as {@link WordCount}.
 * With {@code --streaming} it counts the lines a socket sends (as {@code nc -lk 9999} does) per
 * {@code TUMBLE} window of the time each line arrived, and prints each window's counts.
 */
public class SqlWordCount {

  /** The options of both word counts it stands in for: a file and an output, or a socket. */
  public interface Options extends WordCount.Options, SocketWordCount.Options {}

  /** Every word of every line, counted; the words are split as {@link CountWords} splits them. */
  static final String BATCH_QUERY =
      "SELECT word, COUNT(*) AS n FROM LINES CROSS JOIN UNNEST(WORDS(line)) AS t(word) GROUP BY word";

  /** The same per window of {@code seconds} seconds of the lines' arrival times. */
  static String streamingQuery(int seconds) {
    String window = "TUMBLE(arrived, INTERVAL '" + seconds + "' SECOND)";
    return "SELECT word, COUNT(*) AS n, TUMBLE_START(arrived, INTERVAL '"
        + seconds
        + "' SECOND) AS window_start"
        + " FROM LINES CROSS JOIN UNNEST(WORDS(line)) AS t(word) GROUP BY word, "
        + window;
  }

  static final Schema LINE = Schema.builder().addStringField("line").build();
  static final Schema ARRIVED_LINE =
      Schema.builder().addStringField("line").addDateTimeField("arrived").build();

  /** {@code WORDS(line)}: the words of a line, as an array SQL can {@code UNNEST}. */
  public static class Words implements BeamSqlUdf {
    public static List<String> eval(String line) {
      return CountWords.wordsOf(line);
    }
  }

  /** Counts words of lines: rows (word, n), and in streaming mode window_start. */
  static PCollection<Row> count(PCollection<Row> lines, String query) {
    return PCollectionTuple.of(new TupleTag<>("LINES"), lines)
        .apply("CountWordsInSql", SqlTransform.query(query).registerUdf("WORDS", Words.class));
  }

  /** Batch: the counts of a file's words, as {@code word: count} lines. */
  static Pipeline batch(Options options) throws IOException {
    String input =
        options.getInputFile() != null ? options.getInputFile() : WordCount.bundledText();
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> lines =
        pipeline
            .apply("ReadLines", TextIO.read().from(input))
            .apply(
                "AsRows",
                MapElements.into(TypeDescriptors.rows())
                    .via((String line) -> Row.withSchema(LINE).addValue(line).build()))
            .setRowSchema(LINE);
    count(lines, BATCH_QUERY)
        .apply("Format", MapElements.into(TypeDescriptors.strings()).via(SqlWordCount::format))
        .apply("WriteCounts", TextIO.write().to(options.getOutput()));
    return pipeline;
  }

  /** Streaming: each window's counts of the words of the lines a socket sends. */
  static PCollection<Row> countsPerWindow(Pipeline pipeline, SocketWordCount.Options options) {
    if (options.getWindowSeconds() < 1) {
      throw new IllegalArgumentException(
          "--windowSeconds must be at least 1, but was " + options.getWindowSeconds());
    }
    PCollection<Row> lines =
        pipeline
            .apply(
                "ReadLines",
                SocketIO.read().withHost(options.getHost()).withPort(options.getPort()))
            .apply("AsRows", ParDo.of(new WithArrivalTime()))
            .setRowSchema(ARRIVED_LINE);
    return count(lines, streamingQuery(options.getWindowSeconds()));
  }

  /** One line of batch output: {@code word: count}, as WordCount writes it. */
  static String format(Row count) {
    return WordCount.format(KV.of(count.getString("word"), count.getInt64("n")));
  }

  /** A line as a row with the time it arrived (its element timestamp), for TUMBLE. */
  static class WithArrivalTime extends DoFn<String, Row> {
    @ProcessElement
    public void process(@Element String line, @Timestamp Instant arrived, OutputReceiver<Row> out) {
      out.output(Row.withSchema(ARRIVED_LINE).addValues(line, arrived.toDateTime()).build());
    }
  }

  /** Prints each count of a window as its pane fires. */
  static class PrintCounts extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row count) {
      System.out.println("[" + count.getDateTime("window_start") + "] " + format(count));
    }
  }

  public static void main(String[] args) throws IOException {
    ExampleLogging.apply();
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    if (options.isStreaming()) {
      Pipeline pipeline = Pipeline.create(options);
      countsPerWindow(pipeline, options).apply("Print", ParDo.of(new PrintCounts()));
      System.out.println(
          "Counting the words of the lines from "
              + options.getHost()
              + ":"
              + options.getPort()
              + " per "
              + options.getWindowSeconds()
              + " s TUMBLE window in SQL; Ctrl-C stops");
      pipeline.run().waitUntilFinish();
    } else {
      PipelineResult.State state = batch(options).run().waitUntilFinish();
      System.out.println(
          "SqlWordCount " + state + ": counts written to " + options.getOutput() + "-*");
    }
  }
}
