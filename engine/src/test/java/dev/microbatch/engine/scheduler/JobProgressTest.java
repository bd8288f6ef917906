package dev.microbatch.engine.scheduler;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobProgressTest {
  private static List<StageInfo> oneStage() {
    return List.of(new StageInfo(0, 2, List.of("Read")));
  }

  @Test
  void spilledBytesCountEveryJobIncludingThoseNoLongerKept() {
    JobProgress progress = new JobProgress(1);
    progress.onJobStarted(1, oneStage());
    progress.onSpill(1, 0, 100);
    progress.onJobEnded(1, true);
    progress.onJobStarted(2, oneStage());
    progress.onSpill(2, 0, 20);
    progress.onSpill(2, 0, 3);

    assertThat(progress.jobs().size(), equalTo(1));
    assertThat(progress.jobs().get(0).stages().get(0).spilledBytes(), equalTo(23L));
    assertThat(progress.spilledBytes(), equalTo(123L));
  }
}
