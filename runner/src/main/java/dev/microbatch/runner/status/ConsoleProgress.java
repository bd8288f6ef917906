package dev.microbatch.runner.status;

import dev.microbatch.engine.scheduler.JobListener;
import dev.microbatch.engine.scheduler.StageInfo;
import dev.microbatch.engine.scheduler.TaskMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch job's progress on the console, as Spark shows it: on a terminal one line that updates as
 * tasks end, {@code [Stage 2:=========> (5 + 2) / 8]}, cleared when the stage is done; otherwise
 * one log line per completed stage.
 */
public final class ConsoleProgress implements JobListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
  private static final int BAR_WIDTH = 40;

  private final PrintStream terminal;
  private final int parallelism;
  private final Map<Integer, StageInfo> stages = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> done = new ConcurrentHashMap<>();

  /**
   * @param terminal where to draw the updating line, or null to log completed stages instead
   */
  public ConsoleProgress(PrintStream terminal, int parallelism) {
    this.terminal = terminal;
    this.parallelism = parallelism;
  }

  /** On the terminal if standard output is one, else in the log. */
  public static ConsoleProgress forStandardOutput(int parallelism) {
    return new ConsoleProgress(System.console() != null ? System.out : null, parallelism);
  }

  @Override
  public void onJobStarted(int jobId, List<StageInfo> stages) {
    stages.forEach(stage -> this.stages.put(stage.id(), stage));
  }

  @Override
  public synchronized void onTaskEnded(int jobId, int stageId, TaskMetrics metrics) {
    int tasksDone = done.merge(stageId, 1, Integer::sum);
    StageInfo stage = stages.get(stageId);
    if (terminal != null && stage != null) {
      terminal.print(
          '\r'
              + line(
                  stageId,
                  tasksDone,
                  Math.min(parallelism, stage.tasks() - tasksDone),
                  stage.tasks()));
      terminal.flush();
    }
  }

  @Override
  public synchronized void onStageCompleted(int jobId, int stageId) {
    StageInfo stage = stages.remove(stageId);
    done.remove(stageId);
    if (terminal != null) {
      terminal.print('\r' + " ".repeat(BAR_WIDTH + 40) + '\r');
      terminal.flush();
    } else if (stage != null) {
      LOG.info(
          "Stage {} done: {} tasks{}",
          stageId,
          stage.tasks(),
          stage.names().isEmpty() ? "" : " (" + String.join(", ", stage.names()) + ")");
    }
  }

  /** Spark's progress bar: {@code [Stage id:====> (done + running) / total]}. */
  static String line(int stageId, int tasksDone, int running, int total) {
    int filled = total == 0 ? BAR_WIDTH : BAR_WIDTH * tasksDone / total;
    String bar =
        "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
    return "[Stage " + stageId + ":" + bar + "(" + tasksDone + " + " + running + ") / " + total
        + "]";
  }
}
