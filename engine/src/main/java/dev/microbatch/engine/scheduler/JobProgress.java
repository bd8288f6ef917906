package dev.microbatch.engine.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The progress of the last jobs: each stage's tasks done out of its total, and each job's state.
 * Keeps the last {@code retained} jobs.
 */
public final class JobProgress implements JobListener {
  /**
   * A stage's progress: its tasks done, the records they read and wrote, and how many bytes of
   * shuffle records they spilled to disk.
   */
  public record StageProgress(
      int id,
      List<String> names,
      int tasks,
      int tasksDone,
      boolean completed,
      long recordsRead,
      long recordsWritten,
      long spilledBytes) {
    StageProgress taskEnded(TaskMetrics metrics) {
      return new StageProgress(
          id,
          names,
          tasks,
          tasksDone + 1,
          completed,
          recordsRead + metrics.recordsRead(),
          recordsWritten + metrics.recordsWritten(),
          spilledBytes);
    }

    StageProgress spilled(long bytes) {
      return new StageProgress(
          id,
          names,
          tasks,
          tasksDone,
          completed,
          recordsRead,
          recordsWritten,
          spilledBytes + bytes);
    }

    StageProgress allTasksDone() {
      return new StageProgress(
          id, names, tasks, tasks, true, recordsRead, recordsWritten, spilledBytes);
    }
  }

  /** A job's progress: "running", "succeeded" or "failed". */
  public record Job(int id, String state, List<StageProgress> stages) {}

  private final int retained;
  private final Map<Integer, Map<Integer, StageProgress>> stagesByJob = new LinkedHashMap<>();
  private final Map<Integer, String> states = new LinkedHashMap<>();
  private long spilledBytes;

  public JobProgress(int retained) {
    this.retained = retained;
  }

  @Override
  public synchronized void onJobStarted(int jobId, List<StageInfo> stages) {
    Map<Integer, StageProgress> progress = new LinkedHashMap<>();
    for (StageInfo stage : stages) {
      progress.put(
          stage.id(),
          new StageProgress(stage.id(), stage.names(), stage.tasks(), 0, false, 0, 0, 0));
    }
    stagesByJob.put(jobId, progress);
    states.put(jobId, "running");
    while (stagesByJob.size() > retained) {
      Integer oldest = stagesByJob.keySet().iterator().next();
      stagesByJob.remove(oldest);
      states.remove(oldest);
    }
  }

  @Override
  public synchronized void onTaskEnded(int jobId, int stageId, TaskMetrics metrics) {
    update(jobId, stageId, stage -> stage.taskEnded(metrics));
  }

  @Override
  public synchronized void onSpill(int jobId, int stageId, long bytes) {
    spilledBytes += bytes;
    update(jobId, stageId, stage -> stage.spilled(bytes));
  }

  @Override
  public synchronized void onStageCompleted(int jobId, int stageId) {
    update(jobId, stageId, StageProgress::allTasksDone);
  }

  @Override
  public synchronized void onJobEnded(int jobId, boolean succeeded) {
    states.computeIfPresent(jobId, (id, state) -> succeeded ? "succeeded" : "failed");
  }

  /**
   * Bytes of shuffle records spilled to disk by every job since the start, not only the kept ones.
   */
  public synchronized long spilledBytes() {
    return spilledBytes;
  }

  public synchronized List<Job> jobs() {
    List<Job> jobs = new ArrayList<>();
    stagesByJob.forEach(
        (id, stages) -> jobs.add(new Job(id, states.get(id), List.copyOf(stages.values()))));
    return jobs;
  }

  private void update(int jobId, int stageId, UnaryOperator<StageProgress> change) {
    Map<Integer, StageProgress> stages = stagesByJob.get(jobId);
    if (stages != null) {
      stages.computeIfPresent(stageId, (id, stage) -> change.apply(stage));
    }
  }
}
