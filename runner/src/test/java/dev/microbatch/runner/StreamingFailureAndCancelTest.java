package dev.microbatch.runner;

import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a streaming pipeline ends when a DoFn throws or the user cancels it: no engine thread left.
 */
class StreamingFailureAndCancelTest {

  @Test
  void aDoFnThatThrowsInStreamingFailsThePipelineWithThatException() {
    Pipeline pipeline = streamingPipeline();
    pipeline.apply(GenerateSequence.from(0)).apply(ParDo.of(new Failing()));
    Pipeline.PipelineExecutionException e =
        assertThrows(
            Pipeline.PipelineExecutionException.class, () -> pipeline.run().waitUntilFinish());
    assertThat(e.getCause(), instanceOf(IllegalStateException.class));
    assertThat(e.getCause().getMessage(), equalTo("boom in streaming"));
    assertThat(EngineThreads.alive(), empty());
  }

  private static final class Failing extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long n) {
      throw new IllegalStateException("boom in streaming");
    }
  }

  @Test
  void cancelStopsAnEndlessStreamingPipelineAndLeavesNoEngineThread() throws Exception {
    Pipeline pipeline = streamingPipeline();
    pipeline.getOptions().as(MicroBatchPipelineOptions.class).setBlockOnRun(false);
    pipeline
        .apply(GenerateSequence.from(0).withRate(1000, Duration.standardSeconds(1)))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply(MapElements.into(TypeDescriptors.longs()).via(n -> n % 10))
        .apply(Count.perElement());
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish(Duration.millis(500)), equalTo(null));

    assertThat(result.cancel(), equalTo(PipelineResult.State.CANCELLED));
    assertThat(EngineThreads.alive(), empty());
  }
}
