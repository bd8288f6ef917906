package dev.microbatch.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.TestPipeline;

/** Runs a pipeline whose results are checked with PAssert, and fails if any PAssert never ran. */
public final class PAsserts {
  private PAsserts() {}

  /** Runs {@code pipeline} to the end; then every PAssert in it must have succeeded. */
  public static PipelineResult runAndVerify(Pipeline pipeline) {
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    TestPipeline.verifyPAssertsSucceeded(pipeline, result);
    return result;
  }
}
