package dev.microbatch.runner.translation;

import dev.microbatch.engine.scheduler.JobListener;
import org.apache.beam.sdk.annotations.Internal;

/** A translated pipeline, ready to run on the engine. */
@Internal
public interface ExecutablePipeline {
  /** Runs the pipeline to its end; throws what failed it, or JobCancelledException. */
  void execute() throws Exception;

  /** Stops the pipeline; {@link #execute()} then ends with JobCancelledException. */
  void cancel();

  /** Hears how the engine's jobs progress (in streaming mode, one job a batch), stage by stage. */
  void addJobListener(JobListener listener);
}
