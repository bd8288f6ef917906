package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;

/** A pipeline turned into datasets (batch mode): running it pulls every leaf, in one engine job. */
public final class TranslatedPipeline implements ExecutablePipeline {
  private final EngineContext engine;
  private final List<Dataset<?>> leaves;

  TranslatedPipeline(EngineContext engine, List<Dataset<?>> leaves) {
    this.engine = engine;
    this.leaves = List.copyOf(leaves);
  }

  @Override
  public void execute() {
    engine.runJob(leaves, List.of());
  }

  @Override
  public void cancel() {
    engine.cancel();
  }
}
