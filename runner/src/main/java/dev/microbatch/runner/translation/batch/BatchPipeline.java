package dev.microbatch.runner.translation.batch;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.scheduler.JobListener;
import dev.microbatch.runner.translation.ExecutablePipeline;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;

/** A pipeline turned into datasets (batch mode): running it pulls every leaf, in one engine job. */
@Internal
public final class BatchPipeline implements ExecutablePipeline {
  private final EngineContext engine;
  private final List<Dataset<?>> leaves;
  private final Runnable end;

  /**
   * @param end cleans up once the pipeline has ended
   */
  BatchPipeline(EngineContext engine, List<Dataset<?>> leaves, Runnable end) {
    this.engine = engine;
    this.leaves = List.copyOf(leaves);
    this.end = end;
  }

  @Override
  public void execute() {
    try {
      engine.runJob(leaves, List.of());
    } finally {
      end.run();
    }
  }

  @Override
  public void cancel() {
    engine.cancel();
  }

  @Override
  public void addJobListener(JobListener listener) {
    engine.addJobListener(listener);
  }
}
