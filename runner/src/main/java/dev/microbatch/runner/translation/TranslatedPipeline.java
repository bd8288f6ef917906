package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;

/** A pipeline turned into datasets: running it pulls every leaf, in one engine job. */
public final class TranslatedPipeline {
  private final EngineContext engine;
  private final List<Dataset<?>> leaves;

  TranslatedPipeline(EngineContext engine, List<Dataset<?>> leaves) {
    this.engine = engine;
    this.leaves = List.copyOf(leaves);
  }

  public void execute() {
    engine.runJob(leaves, List.of());
  }
}
