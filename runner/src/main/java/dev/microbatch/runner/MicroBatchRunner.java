package dev.microbatch.runner;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.runner.translation.BatchPipelineTranslator;
import dev.microbatch.runner.translation.TranslatedPipeline;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;

/**
 * A Beam runner that executes pipelines on the MicroBatch engine. Select it with {@code
 * --runner=MicroBatchRunner}.
 */
public class MicroBatchRunner extends PipelineRunner<MicroBatchPipelineResult> {
  private final MicroBatchPipelineOptions options;

  protected MicroBatchRunner(MicroBatchPipelineOptions options) {
    this.options = options;
  }

  /** Called by Beam with the user's options; fails fast on options that are wrong. */
  public static MicroBatchRunner fromOptions(PipelineOptions options) {
    return new MicroBatchRunner(validate(options));
  }

  static MicroBatchPipelineOptions validate(PipelineOptions options) {
    MicroBatchPipelineOptions mb =
        PipelineOptionsValidator.validate(MicroBatchPipelineOptions.class, options);
    if (mb.getParallelism() < 1) {
      throw new IllegalArgumentException(
          "--parallelism must be at least 1, but was " + mb.getParallelism());
    }
    return mb;
  }

  public MicroBatchPipelineOptions getOptions() {
    return options;
  }

  @Override
  public MicroBatchPipelineResult run(Pipeline pipeline) {
    FileSystems.setDefaultPipelineOptions(options);
    MetricsEnvironment.setMetricsSupported(true);
    EngineContext engine = new EngineContext(options.getParallelism());
    MetricsContainerStepMap metrics = new MetricsContainerStepMap();
    TranslatedPipeline translated = new BatchPipelineTranslator(engine, options, metrics).translate(pipeline);
    MicroBatchPipelineResult result = MicroBatchPipelineResult.start(engine, translated, metrics);
    if (options.isBlockOnRun()) {
      result.waitUntilFinish();
    }
    return result;
  }

  @Override
  public String toString() {
    return "MicroBatchRunner";
  }
}
