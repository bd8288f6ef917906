package dev.microbatch.engine.stream.rate;

import java.util.OptionalDouble;

/**
 * Spark Streaming's PID rate estimator: from each completed batch (its record count, processing
 * time and scheduling delay) the rate, in records per second, that the job can take. The error is
 * the gap between the last rate and the processing rate; the integral term works off the backlog
 * the scheduling delay stands for; the rate never drops below {@code minRate}.
 *
 * <p>One change from Spark's: the rate never drops below half the processing rate just measured. At
 * short batch intervals a scheduling delay of a few intervals (a slow first batch, while the JIT
 * compiles) made the integral term larger than the processing rate, and Spark's estimator then
 * plans the minimum rate; batches of a few records measure little but their fixed cost, so the rate
 * climbed back over seconds while the sources' backlog grew. Half the processing rate still works
 * the backlog off, with the other half.
 */
public final class PIDRateEstimator {
  private final long batchIntervalMillis;
  private final double proportional;
  private final double integral;
  private final double derivative;
  private final double minRate;

  /** The least the rate may drop to, as a share of the processing rate just measured. */
  private static final double LEAST_SHARE_OF_PROCESSING_RATE = 0.5;

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
  }

  /**
   * The new rate after the batch of {@code time}, or empty if the batch says nothing (no record, no
   * processing time, an old batch) or is the first one, which only sets the starting point.
   */
  public synchronized OptionalDouble compute(
      long time, long records, long processingDelayMillis, long schedulingDelayMillis) {
    if (time <= latestTime || records <= 0 || processingDelayMillis <= 0) {
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
                LEAST_SHARE_OF_PROCESSING_RATE * processingRate),
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
}
