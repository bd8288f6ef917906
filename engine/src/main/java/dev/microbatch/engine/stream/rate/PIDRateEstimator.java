package dev.microbatch.engine.stream.rate;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Spark Streaming's PID rate estimator: from each completed batch (its record count, processing
 * time and scheduling delay) the rate, in records per second, that the job can take. The error is
 * the gap between the last rate and the processing rate; the integral term works off the backlog
 * the scheduling delay stands for; the rate never drops below {@code minRate}.
 *
 * <p>One change from Spark's: the rate has a floor from the last batch. At short batch intervals a
 * delay of a few intervals (a slow first batch while the JIT compiles, a GC pause) makes the
 * integral term larger than the processing rate, and Spark's estimator then plans its minimum rate.
 * The floor is the larger of two rates, each planning a batch expected to take less than the
 * interval, so that the delay is still worked off:
 *
 * <ul>
 *   <li>half the processing rate just measured: a batch meant to take half the interval, where a
 *       batch's time is its records times a cost per record;
 *   <li>for batches whose time is mostly a fixed cost (scheduling, stages, the keyed state's walk):
 *       the last batch's records scaled to take half the interval beyond the fixed cost, estimated
 *       as half the shortest time of the last few batches (no batch is faster than its fixed cost).
 *       There, half the records take nearly as long, so halving the rate leaves the budget far
 *       below what arrives while the sources' backlog grows; this floor grows the batches instead,
 *       by up to the interval's time left after the fixed cost.
 * </ul>
 *
 * <p>Where the fixed cost is nil the second is the first; where it is the whole time the batches
 * grow until the backlog is read, each expected to take halfway from the fixed cost to the
 * interval. Where time is proportional to records after all, the second plans at most the interval
 * less the fixed cost.
 */
public final class PIDRateEstimator {
  private final long batchIntervalMillis;
  private final double proportional;
  private final double integral;
  private final double derivative;
  private final double minRate;

  /** How many of the last batches' processing times bound the fixed cost. */
  private static final int RECENT_BATCHES = 10;

  /** The last batches' processing times, oldest overwritten first; Long.MAX_VALUE for none yet. */
  private final long[] recentProcessingMillis = new long[RECENT_BATCHES];

  private int nextRecent;

  private boolean firstRun = true;
  private long latestTime = -1;
  private double latestRate = -1;
  private double latestError = -1;

  /** Spark's defaults: proportional 1.0, integral 0.2, derivative 0.0. */
  public PIDRateEstimator(long batchIntervalMillis, double minRate) {
    this(batchIntervalMillis, 1.0, 0.2, 0.0, minRate);
  }

  public PIDRateEstimator(
      long batchIntervalMillis,
      double proportional,
      double integral,
      double derivative,
      double minRate) {
    if (batchIntervalMillis <= 0
        || proportional < 0
        || integral < 0
        || derivative < 0
        || minRate <= 0) {
      throw new IllegalArgumentException(
          "A PID rate estimator needs a positive batch interval and minimum rate and non-negative gains");
    }
    this.batchIntervalMillis = batchIntervalMillis;
    this.proportional = proportional;
    this.integral = integral;
    this.derivative = derivative;
    this.minRate = minRate;
    Arrays.fill(recentProcessingMillis, Long.MAX_VALUE);
  }

  /**
   * The new rate after the batch of {@code time}, or empty if the batch says nothing (no record, no
   * processing time, an old batch) or is the first one, which only sets the starting point.
   */
  public synchronized OptionalDouble compute(
      long time, long records, long processingDelayMillis, long schedulingDelayMillis) {
    if (time <= latestTime || processingDelayMillis <= 0) {
      return OptionalDouble.empty();
    }
    // an empty batch's time is all fixed cost: the best bound there is
    recentProcessingMillis[nextRecent] = processingDelayMillis;
    nextRecent = (nextRecent + 1) % RECENT_BATCHES;
    if (records <= 0) {
      return OptionalDouble.empty();
    }
    double sinceUpdate = (time - latestTime) / 1000.0;
    double processingRate = records * 1000.0 / processingDelayMillis;
    double error = latestRate - processingRate;
    // the records the scheduling delay stands for, as a rate over one batch interval
    double historicalError = schedulingDelayMillis * processingRate / batchIntervalMillis;
    double dError = (error - latestError) / sinceUpdate;
    double newRate =
        Math.max(
            Math.max(
                latestRate
                    - proportional * error
                    - integral * historicalError
                    - derivative * dError,
                Math.max(processingRate / 2, fixedCostFloor(records, processingDelayMillis))),
            minRate);
    latestTime = time;
    if (firstRun) {
      latestRate = processingRate;
      latestError = 0;
      firstRun = false;
      return OptionalDouble.empty();
    }
    latestRate = newRate;
    latestError = error;
    return OptionalDouble.of(newRate);
  }

  /**
   * The rate that scales the last batch ({@code records} in {@code processingMillis}) to take half
   * the interval beyond the fixed cost; 0 where the fixed cost is no shorter than the interval.
   */
  private double fixedCostFloor(long records, long processingMillis) {
    double fixedCost = Arrays.stream(recentProcessingMillis).min().getAsLong() / 2.0;
    if (fixedCost >= batchIntervalMillis) {
      return 0;
    }
    double target = (batchIntervalMillis + fixedCost) / 2;
    double scaled = records * (target - fixedCost) / (processingMillis - fixedCost);
    return scaled * 1000.0 / batchIntervalMillis;
  }
}
