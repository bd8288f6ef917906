package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Beam allows a pipeline with nothing to write, or with nothing at all, and every runner runs it; a
 * streaming engine of Spark's kind wants an output operation before it starts.
 */
class PipelineWithoutOutputsTest {
  private static final AtomicInteger SEEN = new AtomicInteger();

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEmptyPipelineRunsToTheEnd(Mode mode) {
    Pipeline p = Pipeline.create(SameAsDirectRunner.options("MicroBatchRunner", mode));
    assertThat(p.run().waitUntilFinish(), equalTo(PipelineResult.State.DONE));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPipelineThatOnlyBuildsAnUnreadViewRunsToTheEnd(Mode mode) {
    Pipeline p = Pipeline.create(SameAsDirectRunner.options("MicroBatchRunner", mode));
    p.apply(Create.of(1, 2, 3)).apply(View.asList());
    assertThat(p.run().waitUntilFinish(), equalTo(PipelineResult.State.DONE));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aLastStepThatOutputsNothingStillRunsOnEveryElement(Mode mode) {
    SEEN.set(0);
    Pipeline p = Pipeline.create(SameAsDirectRunner.options("MicroBatchRunner", mode));
    p.apply(Create.of(1, 2, 3)).apply(ParDo.of(new CountSeen()));
    p.run().waitUntilFinish();
    assertThat(SEEN.get(), equalTo(3));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSinklessStepThatThrowsFailsThePipelineWithItsException(Mode mode) {
    Pipeline p = Pipeline.create(SameAsDirectRunner.options("MicroBatchRunner", mode));
    p.apply(Create.of(1)).apply(ParDo.of(new Fail()));
    PipelineExecutionException e =
        assertThrows(PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(e.getCause().getMessage(), equalTo("no sink, still a failure"));
  }

  /** Counts what it sees and outputs nothing. */
  private static final class CountSeen extends DoFn<Integer, Void> {
    @ProcessElement
    public void process(@Element Integer value) {
      SEEN.incrementAndGet();
    }
  }

  /** Throws on every element and outputs nothing. */
  private static final class Fail extends DoFn<Integer, Void> {
    @ProcessElement
    public void process(@Element Integer value) {
      throw new IllegalStateException("no sink, still a failure");
    }
  }
}
