package dev.microbatch.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/** The runner that {@code TestPipeline} uses: blocks on run and fails on any pipeline failure. */
public final class TestMicroBatchRunner extends PipelineRunner<MicroBatchPipelineResult> {
  private final MicroBatchRunner delegate;

  private TestMicroBatchRunner(MicroBatchPipelineOptions options) {
    this.delegate = new MicroBatchRunner(options);
  }

  public static TestMicroBatchRunner fromOptions(PipelineOptions options) {
    MicroBatchPipelineOptions mb = MicroBatchRunner.validate(options);
    mb.setBlockOnRun(true);
    return new TestMicroBatchRunner(mb);
  }

  @Override
  public MicroBatchPipelineResult run(Pipeline pipeline) {
    return delegate.run(pipeline);
  }
}
