package dev.microbatch.engine.scheduler;

import java.util.List;

/**
 * Hears how the engine's jobs progress, stage by stage and task by task. Called from its threads.
 */
public interface JobListener {
  default void onJobStarted(int jobId, List<StageInfo> stages) {}

  /** A task of the stage succeeded, having read and written {@code metrics}' records. */
  default void onTaskEnded(int jobId, int stageId, TaskMetrics metrics) {}

  /** A task of the stage spilled {@code bytes} of shuffle records to disk. */
  default void onSpill(int jobId, int stageId, long bytes) {}

  default void onStageCompleted(int jobId, int stageId) {}

  default void onJobEnded(int jobId, boolean succeeded) {}
}
