package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class MicroBatchRunnerOptionsTest {

  @Test
  void runnerResolvesByItsNameTheBeamWay() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--parallelism=3").create();
    assertThat(options.getRunner(), equalTo(MicroBatchRunner.class));
    MicroBatchRunner runner = MicroBatchRunner.fromOptions(options);
    assertThat(runner.getOptions().getParallelism(), equalTo(3));
  }

  @Test
  void parallelismDefaultsToTheAvailableProcessors() {
    MicroBatchPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner")
            .as(MicroBatchPipelineOptions.class);
    assertThat(options.getParallelism(), equalTo(Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void zeroParallelismFailsBeforeThePipelineRunsNamingTheOption() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--parallelism=0").create();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pipeline.create(options));
    assertThat(e.getMessage(), containsString("--parallelism"));
  }

  @Test
  void anUnknownOptionFailsNamingTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--paralelism=2")
                    .withValidation()
                    .create());
    assertThat(e.getMessage(), containsString("paralelism"));
  }

  @Test
  void aMisspelledRunnerFailsNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PipelineOptionsFactory.fromArgs("--runner=MicroBatchRuner").create());
    assertThat(e.getMessage(), containsString("MicroBatchRuner"));
  }

  @Test
  void anUnboundedPipelineInBatchModeIsRefusedNamingTheTransformAndTheFix() {
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner").create());
    pipeline.apply("Endless", GenerateSequence.from(0));
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, pipeline::run);
    assertThat(e.getMessage(), containsString("Endless"));
    assertThat(e.getMessage(), containsString("--streaming"));
  }

  @Test
  void aNonPositiveBatchIntervalFailsNamingTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pipeline.create(
                        PipelineOptionsFactory.fromArgs(
                                "--runner=MicroBatchRunner", "--streaming", "--batchIntervalMillis=0")
                            .create())
                    .run());
    assertThat(e.getMessage(), containsString("--batchIntervalMillis"));
  }

  @Test
  void aBoundedPipelineRunsToCompletionWithStreamingSet() {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--streaming").create());
    PAssert.that(pipeline.apply(Create.of(KV.of("a", 1), KV.of("a", 2), KV.of("b", 3))).apply(Sum.integersPerKey()))
        .containsInAnyOrder(KV.of("a", 3), KV.of("b", 3));
    assertThat(pipeline.run().getState(), equalTo(PipelineResult.State.DONE));
  }
}
