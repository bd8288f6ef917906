package dev.microbatch.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordCountTest {

  private static List<String> runWordCount(String runner, Path dir) throws IOException {
    WordCount.Options options =
        PipelineOptionsFactory.fromArgs(
                "--runner=" + runner, "--output=" + dir.resolve("counts").toString())
            .as(WordCount.Options.class);
    WordCount.build(options).run().waitUntilFinish();
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("counts")).toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return lines.stream().sorted().toList();
  }

  @Test
  void theBundledTextGivesExactlyTheDirectRunnersCounts(@TempDir Path tmp) throws IOException {
    List<String> ours = runWordCount("MicroBatchRunner", tmp.resolve("microbatch"));
    List<String> direct = runWordCount("DirectRunner", tmp.resolve("direct"));
    assertThat(ours, equalTo(direct));
    assertThat(ours, hasItem("love: 3"));
  }

  @Test
  void theSameCompositeGivesTheSameTotalsUnderStreaming(@TempDir Path tmp) throws IOException {
    List<String> batch = runWordCount("MicroBatchRunner", tmp.resolve("batch"));
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner", "--streaming", "--batchIntervalMillis=200")
                .create());
    PCollection<String> counts =
        pipeline
            .apply(TextIO.read().from(WordCount.bundledText()))
            .apply(new CountWords())
            .apply(MapElements.into(TypeDescriptors.strings()).via(WordCount::format));
    PAssert.that(counts).containsInAnyOrder(batch);

    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(pipeline, result);
  }
}
