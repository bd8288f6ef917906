package dev.microbatch.runner.status;

import dev.microbatch.engine.scheduler.JobProgress;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.MicroBatchStatistics;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * What {@code /metrics} serves, as Spark's PrometheusServlet and Flink's Prometheus reporter do for
 * their jobs: the batches' statistics (streaming mode), each PCollection's watermark lag, the bytes
 * the shuffle spilled, and every Beam counter, distribution (as a summary: quantile 0 is the
 * minimum, 1 the maximum) and gauge, labelled with its step and namespace. Times are in seconds.
 */
final class PrometheusMetrics {
  private PrometheusMetrics() {}

  static String page(
      MicroBatchStatistics.@Nullable Snapshot batches,
      Map<String, Instant> watermarks,
      long nowMillis,
      JobProgress jobs,
      PipelineMetrics metrics) {
    PrometheusText text = new PrometheusText();
    if (batches != null) {
      batchStatistics(text, batches);
    }
    watermarkLags(text, watermarks, nowMillis);
    text.family(
            "microbatch_shuffle_spilled_bytes_total",
            "counter",
            "Bytes of shuffle records spilled to disk since the start.")
        .sample(Map.of(), jobs.spilledBytes());
    beamMetrics(text, metrics);
    return text.toString();
  }

  private static void batchStatistics(PrometheusText text, MicroBatchStatistics.Snapshot batches) {
    text.family("microbatch_batch_interval_seconds", "gauge", "The batch interval.")
        .sample(Map.of(), seconds(batches.batchIntervalMillis()));
    text.family(
            "microbatch_batches_completed_total", "counter", "Batches completed since the start.")
        .sample(Map.of(), batches.totals().completedBatches());
    text.family("microbatch_batches_waiting", "gauge", "Batches submitted and not yet started.")
        .sample(Map.of(), batches.waiting().size());
    text.family("microbatch_batches_running", "gauge", "Batches running now.")
        .sample(Map.of(), batches.runningSince().size());
    byInput(
        text.family(
            "microbatch_input_records_total",
            "counter",
            "Records read by each input since the start, in completed batches."),
        batches.totals().recordsByInput());
    List<MicroBatchInfo> completed = batches.completed();
    if (completed.isEmpty()) {
      return;
    }
    MicroBatchInfo last = completed.get(completed.size() - 1);
    byInput(
        text.family(
            "microbatch_last_batch_input_records",
            "gauge",
            "Records each input read in the last completed batch."),
        last.inputRecords());
    text.family(
            "microbatch_last_batch_scheduling_delay_seconds",
            "gauge",
            "How long the last completed batch waited for the ones before it.")
        .sample(Map.of(), seconds(last.schedulingDelay()));
    text.family(
            "microbatch_last_batch_processing_time_seconds",
            "gauge",
            "How long the last completed batch ran.")
        .sample(Map.of(), seconds(last.processingTime()));
    text.family(
            "microbatch_last_batch_total_delay_seconds",
            "gauge",
            "From the last completed batch's time to its end: scheduling delay plus processing.")
        .sample(Map.of(), seconds(last.totalDelay()));
    if (last.recordBudget() != Long.MAX_VALUE) {
      text.family(
              "microbatch_last_batch_record_budget",
              "gauge",
              "The most records the last completed batch could read under backpressure.")
          .sample(Map.of(), last.recordBudget());
      byInput(
          text.family(
              "microbatch_last_batch_input_record_budget",
              "gauge",
              "Each rate-limited input's share of the last completed batch's record budget."),
          last.sourceBudgets());
    }
  }

  /** A sample of {@code family} for each input, labelled with its name. */
  private static void byInput(PrometheusText.Family family, Map<String, Long> values) {
    values.forEach((input, value) -> family.sample(Map.of("input", input), value));
  }

  /**
   * How far each watermark is behind {@code nowMillis}: +Inf before the first element's time is
   * known, 0 once the PCollection is complete.
   */
  private static void watermarkLags(
      PrometheusText text, Map<String, Instant> watermarks, long nowMillis) {
    PrometheusText.Family lags =
        text.family(
            "microbatch_watermark_lag_seconds",
            "gauge",
            "How far each PCollection's watermark is behind the wall clock.");
    watermarks.forEach(
        (pcollection, watermark) -> {
          double lag;
          if (!watermark.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
            lag = Double.POSITIVE_INFINITY;
          } else if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
            lag = 0;
          } else {
            lag = seconds(nowMillis - watermark.getMillis());
          }
          lags.sample(Map.of("pcollection", pcollection), lag);
        });
  }

  private static void beamMetrics(PrometheusText text, PipelineMetrics metrics) {
    MetricQueryResults results =
        MetricsContainerStepMap.asAttemptedOnlyMetricResults(metrics.now())
            .queryMetrics(MetricsFilter.builder().build());
    for (MetricResult<Long> counter : results.getCounters()) {
      beamFamily(text, counter, "_total", "counter", "A Beam counter.")
          .sample(labels(counter), counter.getAttempted());
    }
    for (MetricResult<DistributionResult> distribution : results.getDistributions()) {
      DistributionResult value = distribution.getAttempted();
      PrometheusText.Family family =
          beamFamily(
              text,
              distribution,
              "",
              "summary",
              "A Beam distribution: quantile 0 is its minimum, 1 its maximum.");
      Map<String, String> labels = labels(distribution);
      if (value.getCount() > 0) {
        family.sample(withQuantile(labels, "0"), value.getMin());
        family.sample(withQuantile(labels, "1"), value.getMax());
      }
      family.sample("_sum", labels, value.getSum());
      family.sample("_count", labels, value.getCount());
    }
    for (MetricResult<GaugeResult> gauge : results.getGauges()) {
      beamFamily(text, gauge, "", "gauge", "A Beam gauge.")
          .sample(labels(gauge), gauge.getAttempted().getValue());
    }
  }

  /**
   * The family of a Beam metric: "beam_" and its name; a name a metric of another type already took
   * gets the type after it.
   */
  private static PrometheusText.Family beamFamily(
      PrometheusText text, MetricResult<?> result, String suffix, String type, String help) {
    String base = "beam_" + PrometheusText.metricName(result.getName().getName());
    String name = base + suffix;
    if (text.takenByOtherType(name, type)) {
      name = base + "_" + type + suffix;
    }
    return text.family(name, type, help);
  }

  private static Map<String, String> labels(MetricResult<?> result) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("step", result.getKey().stepName());
    labels.put("namespace", result.getName().getNamespace());
    return labels;
  }

  private static Map<String, String> withQuantile(Map<String, String> labels, String quantile) {
    Map<String, String> withQuantile = new LinkedHashMap<>(labels);
    withQuantile.put("quantile", quantile);
    return withQuantile;
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }
}
