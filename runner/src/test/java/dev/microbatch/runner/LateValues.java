package dev.microbatch.runner;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** What a pipeline's steps report in Beam's {@code droppedDueToLateness} metric. */
public final class LateValues {
  private LateValues() {}

  /** Per step, the values it dropped as late so far; steps that dropped none are left out. */
  public static Map<String, Long> droppedPerStep(PipelineResult result) {
    Map<String, Long> dropped = new TreeMap<>();
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        MetricNameFilter.named(
                            LateDataDroppingDoFnRunner.class,
                            LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS))
                    .build())
            .getCounters()) {
      if (counter.getAttempted() > 0) {
        dropped.put(counter.getKey().stepName(), counter.getAttempted());
      }
    }
    return dropped;
  }
}
