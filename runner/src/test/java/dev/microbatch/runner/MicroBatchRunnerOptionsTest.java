package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
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
    PipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner").create();
    assertThat(
        MicroBatchRunner.fromOptions(options).getOptions().getParallelism(),
        equalTo(Runtime.getRuntime().availableProcessors()));
  }

  /** Beam 2.70.0's declarations of the same options in FlinkPipelineOptions. */
  public interface AsFlinkDeclaresThem extends PipelineOptions {
    @Default.Integer(-1)
    Integer getParallelism();

    void setParallelism(Integer value);
  }

  /** Beam 2.70.0's declarations of the same options in SparkPipelineOptions. */
  public interface AsSparkDeclaresThem extends PipelineOptions {
    @Default.Long(500)
    Long getBatchIntervalMillis();

    void setBatchIntervalMillis(Long value);

    @Default.Long(-1)
    Long getMaxRecordsPerBatch();

    void setMaxRecordsPerBatch(Long value);

    /**
     * Spark's own checkpoints, in a temporary directory by default: not the same option as ours.
     */
    @Default.InstanceFactory(TemporaryCheckpointDir.class)
    String getCheckpointDir();

    void setCheckpointDir(String value);

    /** As SparkCommonPipelineOptions.TmpCheckpointDirFactory. */
    class TemporaryCheckpointDir implements DefaultValueFactory<String> {
      @Override
      public String create(PipelineOptions options) {
        return "/tmp/" + options.getJobName() + "/spark-checkpoint";
      }
    }
  }

  @Test
  void ourOptionsAndTheFlinkAndSparkRunnersOptionsGoTogether() {
    // Beam refuses one property declared with two types or two defaults: then a class path with
    // this runner and Flink's or Spark's could not even parse its arguments
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--parallelism=3",
                "--batchIntervalMillis=250",
                "--maxRecordsPerBatch=9",
                "--checkpointDirectory=/ours")
            .create();
    assertThat(options.as(AsFlinkDeclaresThem.class).getParallelism(), equalTo(3));
    assertThat(options.as(AsSparkDeclaresThem.class).getBatchIntervalMillis(), equalTo(250L));
    assertThat(options.as(MicroBatchPipelineOptions.class).getMaxRecordsPerBatch(), equalTo(9L));
    assertThat(options.as(AsSparkDeclaresThem.class).getMaxRecordsPerBatch(), equalTo(9L));
    assertThat(
        options.as(MicroBatchPipelineOptions.class).getCheckpointDirectory(), equalTo("/ours"));
    assertThat(
        options.as(AsSparkDeclaresThem.class).getCheckpointDir(),
        containsString("spark-checkpoint"));
  }

  @Test
  void aZeroRecordCapFailsNamingTheOption() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--maxRecordsPerBatch=0")
            .create();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pipeline.create(options));
    assertThat(
        e.getMessage(),
        equalTo("--maxRecordsPerBatch must be -1 (no cap) or at least 1, but was 0"));
  }

  @Test
  void aZeroCheckpointIntervalFailsNamingTheOption() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=MicroBatchRunner", "--checkpointIntervalBatches=0")
            .create();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pipeline.create(options));
    assertThat(
        e.getMessage(), equalTo("--checkpointIntervalBatches must be at least 1, but was 0"));
  }

  @Test
  void rateRetryStatusAndMemoryOptionsOutOfRangeFailNamingTheOption() {
    for (String[] wrong :
        new String[][] {
          {
            "--initialRate=0",
            "--initialRate must be -1 (no limit) or at least 1 record per second, but was 0"
          },
          {"--minRate=-1", "--minRate must be at least 1 record per second, but was -1"},
          {
            "--maxRatePerReader=-5",
            "--maxRatePerReader must be -1 (no limit) or at least 1 record per second, but was -5"
          },
          {"--readRetryWindowMillis=-1", "--readRetryWindowMillis must be at least 0, but was -1"},
          {
            "--statusPort=70000",
            "--statusPort must be -1 (none), 0 (a free port) or a port up to 65535, but was 70000"
          },
          {
            "--shuffleMemoryMb=-1",
            "--shuffleMemoryMb must be 0 (a third of the heap) or a number of MiB, but was -1"
          }
        }) {
      PipelineOptions options =
          PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", wrong[0]).create();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Pipeline.create(options));
      assertThat(e.getMessage(), equalTo(wrong[1]));
    }
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
  void aNonPositiveBatchIntervalFailsNamingTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pipeline.create(
                        PipelineOptionsFactory.fromArgs(
                                "--runner=MicroBatchRunner",
                                "--streaming",
                                "--batchIntervalMillis=0")
                            .create())
                    .run());
    assertThat(e.getMessage(), containsString("--batchIntervalMillis"));
  }

  @Test
  void aBoundedPipelineRunsToCompletionWithStreamingSet() {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--streaming").create());
    PAssert.that(
            pipeline
                .apply(Create.of(KV.of("a", 1), KV.of("a", 2), KV.of("b", 3)))
                .apply(Sum.integersPerKey()))
        .containsInAnyOrder(KV.of("a", 3), KV.of("b", 3));
    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
  }
}
