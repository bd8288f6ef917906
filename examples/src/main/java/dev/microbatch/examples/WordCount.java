package dev.microbatch.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The classic Beam word count: read lines, count words, write {@code word: count} lines. With no
 * arguments it counts the bundled text on MicroBatchRunner and writes {@code output/wordcount-*}.
 */
public class WordCount {

  /** Options of the word count. */
  public interface Options extends PipelineOptions {
    @Description("File(s) to read; default: the bundled text (Shakespeare, public domain)")
    String getInputFile();

    void setInputFile(String value);

    @Description("Prefix of the output files")
    @Default.String("output/wordcount")
    String getOutput();

    void setOutput(String value);
  }

  /** Builds the pipeline: the same shape on every runner. */
  public static Pipeline build(Options options) throws IOException {
    String input = options.getInputFile() != null ? options.getInputFile() : bundledText();
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadLines", TextIO.read().from(input))
        .apply(new CountWords())
        .apply("Format", MapElements.into(TypeDescriptors.strings()).via(WordCount::format))
        .apply("WriteCounts", TextIO.write().to(options.getOutput()));
    return pipeline;
  }

  /** One line of output: {@code word: count}. */
  public static String format(KV<String, Long> wordCount) {
    return wordCount.getKey() + ": " + wordCount.getValue();
  }

  /** The bundled text, copied out of the jar to a temporary file TextIO can read. */
  public static String bundledText() throws IOException {
    Path copy = Files.createTempFile("microbatch-sonnets", ".txt");
    copy.toFile().deleteOnExit();
    try (InputStream in = WordCount.class.getResourceAsStream("sonnets.txt")) {
      if (in == null) {
        throw new IOException("the bundled text sonnets.txt is missing from the class path");
      }
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy.toString();
  }

  public static void main(String[] args) throws IOException {
    ExampleLogging.apply();
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    PipelineResult.State state = build(options).run().waitUntilFinish();
    System.out.println("WordCount " + state + ": counts written to " + options.getOutput() + "-*");
  }
}
