package dev.microbatch.examples;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * How the streaming examples start: with MicroBatchRunner's status server on (a free port, unless
 * --statusPort says otherwise) and its page's address printed, without waiting for the end.
 */
public final class WithStatus {
  private WithStatus() {}

  public static PipelineResult run(Pipeline pipeline) {
    MicroBatchPipelineOptions options = pipeline.getOptions().as(MicroBatchPipelineOptions.class);
    if (options.getStatusPort() == -1) {
      options.setStatusPort(0);
    }
    options.setBlockOnRun(false);
    PipelineResult result = pipeline.run();
    if (result instanceof MicroBatchPipelineResult microBatch) {
      microBatch
          .statusUrl()
          .ifPresent(
              url ->
                  System.out.println(
                      "The job's status page: "
                          + url
                          + " (Prometheus: "
                          + url.resolve("metrics")
                          + ")"));
    }
    return result;
  }
}
