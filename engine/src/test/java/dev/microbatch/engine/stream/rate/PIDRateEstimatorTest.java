package dev.microbatch.engine.stream.rate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PIDRateEstimatorTest {
  private static final long INTERVAL = 1000;

  @Test
  void theFirstBatchOnlySetsTheStartingPointAndEmptyBatchesSayNothing() {
    PIDRateEstimator pid = new PIDRateEstimator(INTERVAL, 100);
    assertThat(pid.compute(1000, 1000, 500, 0), equalTo(OptionalDouble.empty()));
    assertThat(pid.compute(2000, 0, 500, 0), equalTo(OptionalDouble.empty()));
    assertThat(pid.compute(3000, 1000, 0, 0), equalTo(OptionalDouble.empty()));
    assertThat(pid.compute(1000, 1000, 500, 0), equalTo(OptionalDouble.empty()));
  }

  @Test
  void aJobThatKeepsUpWithoutDelayStaysAtItsProcessingRate() {
    PIDRateEstimator pid = new PIDRateEstimator(INTERVAL, 100);
    pid.compute(1000, 1000, 1000, 0);
    // 1000 records in 1 s, no scheduling delay: 1000 records/s, no error
    assertThat(pid.compute(2000, 1000, 1000, 0).getAsDouble(), closeTo(1000, 1e-9));
  }

  @Test
  void aJobThatFallsBehindIsThrottledBelowItsProcessingRateUntilTheDelayIsWorkedOff() {
    PIDRateEstimator pid = new PIDRateEstimator(INTERVAL, 100);
    pid.compute(1000, 2000, 2000, 0); // 2000 records took 2 s: 1000/s
    // the next batch waited 1 s: the integral term takes the backlog off the rate
    double rate = pid.compute(2000, 2000, 2000, 1000).getAsDouble();
    assertThat(rate, closeTo(1000 - 0.2 * 1000 * 1000 / INTERVAL, 1e-9));
  }

  @Test
  void theRateNeverDropsBelowTheMinimum() {
    PIDRateEstimator pid = new PIDRateEstimator(INTERVAL, 100);
    pid.compute(1000, 1000, 1000, 0);
    assertThat(pid.compute(2000, 10, 1000, 100_000).getAsDouble(), equalTo(100.0));
  }

  @Test
  void aDelayOfManyBatchIntervalsPlansHalfTheProcessingRateNotTheMinimum() {
    // 100 ms batches; the first with records took 645 ms (a cold JIT), the next 754 ms for 33,375
    // records after waiting 550 ms: the integral term alone, 0.2 * 5.5 intervals of backlog, is
    // more than the processing rate, and Spark's estimator would plan its minimum, 100/s
    PIDRateEstimator pid = new PIDRateEstimator(100, 100);
    pid.compute(1000, 425, 645, 0);
    double processingRate = 33_375 * 1000.0 / 754;

    double rate = pid.compute(1100, 33_375, 754, 550).getAsDouble();

    assertThat(rate, closeTo(processingRate / 2, 1e-9));
  }

  @Test
  void nonsensicalSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(0, 100));
    assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(INTERVAL, 0));
  }
}
