package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.scheduler.StageInfo;
import dev.microbatch.engine.scheduler.TaskMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  @Test
  void theBarShowsTasksDoneAndRunningOutOfTheTotalAsSparkDoes() {
    assertThat(
        ConsoleProgress.line(1, 3, 2, 8),
        equalTo("[Stage 1:" + "=".repeat(15) + ">" + " ".repeat(24) + "(3 + 2) / 8]"));
    assertThat(
        ConsoleProgress.line(0, 4, 0, 4), equalTo("[Stage 0:" + "=".repeat(40) + "(4 + 0) / 4]"));
  }

  @Test
  void onATerminalOneLineUpdatesAsTasksEndAndIsClearedWhenTheStageIsDone() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress progress =
        new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 2);
    progress.onJobStarted(1, List.of(new StageInfo(0, 4, List.of("Read", "Split"))));
    progress.onTaskEnded(1, 0, new TaskMetrics(0, 0));
    progress.onTaskEnded(1, 0, new TaskMetrics(0, 0));
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown, containsString("\r[Stage 0:"));
    assertThat(shown, endsWith("(2 + 2) / 4]"));
    progress.onStageCompleted(1, 0);
    assertThat(bytes.toString(StandardCharsets.UTF_8), endsWith("\r"));
  }
}
