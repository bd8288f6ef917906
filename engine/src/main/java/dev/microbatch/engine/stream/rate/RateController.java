package dev.microbatch.engine.stream.rate;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.RecordSource;
import dev.microbatch.engine.stream.StreamingListener;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backpressure (Spark Streaming's RateController): after each completed batch, a {@link
 * PIDRateEstimator} sets the rate the job can take; each batch's record budget is that rate over
 * one batch interval, divided between the sources that read from outside, in proportion to their
 * backlogs when every one of them reports one, else evenly. Until the first estimate the budget
 * comes from the initial rate, if there is one, and is otherwise unlimited.
 */
public final class RateController implements StreamingListener {
  private final PIDRateEstimator estimator;
  private final long batchIntervalMillis;
  private final long maxRecordsPerReader;
  private volatile double rate;
  private volatile long budget = Long.MAX_VALUE;
  private volatile Map<String, Long> shares = Map.of();

  /**
   * @param initialRate records per second before the first estimate; 0 for no limit until then
   * @param maxRatePerReader the most records per second one reader of a source takes; 0 for no cap
   */
  public RateController(
      PIDRateEstimator estimator,
      long batchIntervalMillis,
      double initialRate,
      double maxRatePerReader) {
    this.estimator = estimator;
    this.batchIntervalMillis = batchIntervalMillis;
    this.rate = initialRate;
    this.maxRecordsPerReader =
        maxRatePerReader > 0 ? recordsPerBatch(maxRatePerReader) : Long.MAX_VALUE;
  }

  /** At the start of a batch, on the batch thread: divides its budget between {@code sources}. */
  public void planBatch(List<? extends RecordSource> sources) {
    budget = rate > 0 ? recordsPerBatch(rate) : Long.MAX_VALUE;
    // each backlog read once: a live source's grows while we plan
    Map<String, Long> backlogs = new LinkedHashMap<>();
    for (RecordSource source : sources) {
      if (source.isRateLimited()) {
        backlogs.put(source.name(), source.backlog());
      }
    }
    boolean byBacklog = !backlogs.isEmpty() && backlogs.values().stream().allMatch(b -> b > 0);
    double total =
        byBacklog
            ? backlogs.values().stream().mapToDouble(Long::doubleValue).sum()
            : backlogs.size();
    Map<String, Long> planned = new HashMap<>();
    backlogs.forEach(
        (name, backlog) ->
            planned.put(
                name,
                budget == Long.MAX_VALUE
                    ? Long.MAX_VALUE
                    : Math.max(1, (long) (budget * (byBacklog ? backlog : 1) / total))));
    shares = Map.copyOf(planned);
  }

  /** The record budget of the batch planned last; Long.MAX_VALUE for none. */
  public long budget() {
    return budget;
  }

  /** The shares of the batch planned last, by source name; empty when it has no budget. */
  public Map<String, Long> shares() {
    return budget == Long.MAX_VALUE ? Map.of() : shares;
  }

  /** The share of {@code source} in the batch planned last; Long.MAX_VALUE for no limit. */
  public long shareOf(RecordSource source) {
    return shares.getOrDefault(source.name(), Long.MAX_VALUE);
  }

  /** The most records one reader of a source takes in a batch; Long.MAX_VALUE for no cap. */
  public long maxRecordsPerReader() {
    return maxRecordsPerReader;
  }

  /** The rate in records per second the next batch is planned at; 0 if unlimited. */
  public double rate() {
    return rate;
  }

  @Override
  public void onBatchCompleted(MicroBatchInfo batch) {
    estimator
        .compute(batch.batchTime(), batch.numRecords(), batch.busyTime(), batch.schedulingDelay())
        .ifPresent(estimate -> rate = estimate);
  }

  private long recordsPerBatch(double recordsPerSecond) {
    return Math.max(1, (long) (recordsPerSecond * batchIntervalMillis / 1000));
  }
}
