package dev.microbatch.engine.stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MicroBatchStatisticsTest {
  @Test
  void aHundredThousandBatchesKeepTheLastInDetailAndTotalTheRest() {
    MicroBatchStatistics statistics = new MicroBatchStatistics(1000, 0, 500);
    for (long time = 1; time <= 100_000; time++) {
      statistics.onBatchStarted(time);
      statistics.onBatchCompleted(
          new MicroBatchInfo(
              time, Map.of("in", 3L), time, time + 1, time, Long.MAX_VALUE, Map.of(), 0));
    }
    statistics.onBatchSubmitted(100_001);
    statistics.onBatchSubmitted(100_002);
    statistics.onBatchStarted(100_001);

    MicroBatchStatistics.Snapshot snapshot = statistics.snapshot();
    assertThat(snapshot.completed().size(), equalTo(500));
    assertThat(snapshot.completed().get(0).batchTime(), equalTo(99_501L));
    assertThat(snapshot.totals().completedBatches(), equalTo(100_000L));
    assertThat(snapshot.totals().records(), equalTo(300_000L));
    assertThat(snapshot.totals().recordsByInput(), equalTo(Map.of("in", 300_000L)));
    assertThat(snapshot.runningSince().keySet(), equalTo(java.util.Set.of(100_001L)));
    assertThat(snapshot.waiting(), equalTo(java.util.List.of(100_002L)));
  }
}
