package dev.microbatch.engine.stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FallingBehindWarningTest {
  private static final long INTERVAL = 500;
  private final List<String> warnings = new ArrayList<>();
  private final List<String> infos = new ArrayList<>();
  private final FallingBehindWarning warning =
      new FallingBehindWarning(INTERVAL, warnings::add, infos::add);
  private long batchTime;

  /** A batch that started {@code delay} ms after its time. */
  private void batchStartingLate(long delay) {
    batchTime += INTERVAL;
    warning.onBatchCompleted(
        new MicroBatchInfo(
            batchTime,
            Map.of(),
            batchTime + delay,
            batchTime + delay + 10,
            0,
            Long.MAX_VALUE,
            Map.of(),
            0));
  }

  @Test
  void aDelayThatKeepsGrowingPastTheIntervalIsWarnedOfOnceUntilItDoubles() {
    for (long delay = 0; delay <= 3000; delay += 100) {
      batchStartingLate(delay);
    }

    // 600 ms (over the interval) at the 7th batch; ten batches over it from 600 to 1500 ms
    assertThat(
        warnings,
        contains(
            startsWith("Falling behind: batches start 1500 ms late, up from 600 ms"),
            startsWith("Still falling behind: batches start 3000 ms late")));
  }

  @Test
  void aSteadyDelayOrAShortBurstIsNoWarning() {
    for (int batch = 0; batch < 50; batch++) {
      batchStartingLate(batch % 20 < 5 ? 800 + batch : 20);
    }

    assertThat(warnings, empty());
  }

  @Test
  void catchingUpIsSaidOnce() {
    for (long delay = 600; delay <= 1500; delay += 100) {
      batchStartingLate(delay);
    }
    batchStartingLate(100);
    batchStartingLate(50);

    assertThat(warnings.size(), org.hamcrest.Matchers.equalTo(1));
    assertThat(infos, contains("Caught up: batches start 100 ms late again"));
  }
}
