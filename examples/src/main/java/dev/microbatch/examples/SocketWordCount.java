package dev.microbatch.examples;

import dev.microbatch.io.socket.SocketIO;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.format.DateTimeFormat;
import org.joda.time.format.DateTimeFormatter;

/**
 * The word count of lines typed into {@code nc -lk 9999}, per fixed window: the same {@link
 * CountWords} composite as {@link WordCount}, on an unbounded input. Each window's counts are
 * printed when its pane fires, at the first batch past the window's end.
 */
public class SocketWordCount {

  /** Options of the socket word count. */
  public interface Options extends PipelineOptions, StreamingOptions {
    @Description("Host of the server sending lines")
    @Default.String("localhost")
    String getHost();

    void setHost(String value);

    @Description("Port of the server sending lines")
    @Default.Integer(9999)
    int getPort();

    void setPort(int value);

    @Description("Length of the fixed windows in seconds; at least 1")
    @Default.Integer(10)
    int getWindowSeconds();

    void setWindowSeconds(int value);
  }

  /** Each fixed window's word counts, from the lines the socket sends. */
  static PCollection<KV<String, Long>> countsPerWindow(Pipeline pipeline, Options options) {
    if (options.getWindowSeconds() < 1) {
      throw new IllegalArgumentException(
          "--windowSeconds must be at least 1, but was " + options.getWindowSeconds());
    }
    return pipeline
        .apply("ReadLines", SocketIO.read().withHost(options.getHost()).withPort(options.getPort()))
        .apply(
            "FixedWindows",
            Window.into(FixedWindows.of(Duration.standardSeconds(options.getWindowSeconds()))))
        .apply(new CountWords());
  }

  private static final DateTimeFormatter TIME = DateTimeFormat.forPattern("HH:mm:ss");

  /** One line of output: {@code [10:15:00, 10:15:10) word: count}, in local time. */
  static String format(IntervalWindow window, KV<String, Long> wordCount) {
    return "["
        + TIME.print(window.start())
        + ", "
        + TIME.print(window.end())
        + ") "
        + WordCount.format(wordCount);
  }

  /** Prints each count of a pane as it fires. */
  static class PrintCounts extends DoFn<KV<String, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<String, Long> wordCount, IntervalWindow window) {
      System.out.println(format(window, wordCount));
    }
  }

  public static void main(String[] args) {
    ExampleLogging.apply();
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    options.setStreaming(true); // an unbounded input: there is no batch mode for it
    Pipeline pipeline = Pipeline.create(options);
    countsPerWindow(pipeline, options).apply("Print", ParDo.of(new PrintCounts()));
    System.out.println(
        "Counting the words of the lines from "
            + options.getHost()
            + ":"
            + options.getPort()
            + " per "
            + options.getWindowSeconds()
            + " s window; Ctrl-C stops");
    WithStatus.run(pipeline).waitUntilFinish();
  }
}
