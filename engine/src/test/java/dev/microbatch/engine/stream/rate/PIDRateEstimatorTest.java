package dev.microbatch.engine.stream.rate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
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
  void batchesThatAreMostlyFixedCostGrowUntilTheBacklogIsReadAfterASlowStart() {
    // 100 ms batches, 1,000 records due an interval, read as a source reads them: what is due when
    // the batch starts, up to its budget. A batch takes 49 ms plus 6.25 us a record (B3-session's
    // warm batches: 50 ms for 200 records, 55 ms for 1,000); the first two 200 and 525 ms, while
    // the JIT compiles. Spark's estimator, even with half the processing rate as its floor, plans
    // about 300 records a batch while the delay lasts (half the records take nearly as long) and
    // reads the backlog only after 1.7 s.
    long interval = 100;
    PIDRateEstimator pid = new PIDRateEstimator(interval, 100);
    long free = 0;
    long read = 0;
    double rate = 0;
    long caughtUp = -1;
    for (int batch = 1; batch <= 30 && caughtUp < 0; batch++) {
      long time = batch * interval;
      long start = Math.max(time, free);
      long budget = rate > 0 ? (long) (rate * interval / 1000) : Long.MAX_VALUE;
      long records = Math.min(budget, start * 1000 / interval - read);
      read += records;
      long processing =
          batch == 1 ? 200 : batch == 2 ? 525 : 49 + (long) Math.ceil(records * 0.00625);
      free = start + processing;
      OptionalDouble estimate = pid.compute(time, records, processing, start - time);
      if (estimate.isPresent()) {
        rate = estimate.getAsDouble();
      }
      if (batch > 2 && records < budget) {
        caughtUp = start; // read all that was due
      }
    }

    assertThat(caughtUp, allOf(greaterThan(0L), lessThanOrEqualTo(1400L)));
  }

  @Test
  void anEmptyBatchsTimeBoundsTheFixedCostThatTheFloorScalesBeyond() {
    PIDRateEstimator pid = new PIDRateEstimator(100, 100);
    pid.compute(100, 1000, 60, 0);
    pid.compute(200, 0, 40, 0); // no records: 40 ms of fixed cost at most, 20 ms estimated
    // 300 records in 50 ms after a delay of 5 intervals: the integral term plans the minimum, half
    // the processing rate is 3,000/s; scaled from 30 ms beyond the fixed cost to half the 80 ms
    // the interval leaves, 400 records an interval
    double rate = pid.compute(300, 300, 50, 500).getAsDouble();

    assertThat(rate, closeTo(4000, 1e-9));
  }

  @Test
  void nonsensicalSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(0, 100));
    assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(INTERVAL, 0));
  }
}
