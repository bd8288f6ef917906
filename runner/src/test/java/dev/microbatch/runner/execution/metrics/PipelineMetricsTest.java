package dev.microbatch.runner.execution.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;
import org.apache.beam.runners.core.metrics.DistributionData;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Each task updates cells of its own, which join its step's when the task ends and show in the
 * pipeline's metrics while it runs.
 */
class PipelineMetricsTest {
  private static final String STEP = "Measure";
  private static final MetricName COUNT = MetricName.named("test", "count");
  private static final MetricName SIZES = MetricName.named("test", "sizes");

  private final EngineContext engine = new EngineContext(2);
  private final PipelineMetrics pipeline = new PipelineMetrics();
  private final PerTaskMetrics metrics = new PerTaskMetrics(pipeline, STEP);

  @Test
  void aRunningTasksUpdatesAreItsOwnAndShowInTheMetricsOfNow() {
    List<Long> seen =
        engine
            .generate(
                1,
                (partition, task) -> {
                  metrics.forTask(task).getCounter(COUNT).inc(3);
                  return List.of(
                          pipeline.step(STEP).getCounter(COUNT).getCumulative(),
                          count(pipeline.now().getContainer(STEP)))
                      .iterator();
                })
            .collect();

    assertEquals(List.of(0L, 3L), seen);
    assertEquals(3L, pipeline.step(STEP).getCounter(COUNT).getCumulative());
    assertEquals(3L, count(pipeline.now().getContainer(STEP)));
  }

  @Test
  void aCallsUpdatesAreItsOwnUntilItReturns() {
    List<Long> seen =
        metrics.inOwnContainer(
            () -> {
              MetricsEnvironment.getCurrentContainer().getCounter(COUNT).inc(2);
              return List.of(
                  pipeline.step(STEP).getCounter(COUNT).getCumulative(),
                  count(pipeline.now().getContainer(STEP)));
            });

    assertEquals(List.of(0L, 2L), seen);
    assertEquals(2L, pipeline.step(STEP).getCounter(COUNT).getCumulative());
  }

  @Test
  void theTasksUpdatesAddUpInTheStepsMetrics() {
    engine
        .generate(
            2,
            (partition, task) -> {
              MetricsContainer own = metrics.forTask(task);
              for (int i = 0; i < 3; i++) {
                own.getCounter(COUNT).inc();
                own.getDistribution(SIZES).update(10L * (partition + 1));
              }
              return List.of().iterator();
            })
        .collect();

    MetricsContainerImpl step = pipeline.now().getContainer(STEP);
    assertEquals(6L, count(step));
    assertEquals(
        DistributionData.create(90, 6, 10, 20), step.getDistribution(SIZES).getCumulative());
  }

  @Test
  void aFailedTasksUpdatesAreCountedAsAttempted() {
    assertThrows(
        RuntimeException.class,
        () ->
            engine
                .generate(
                    1,
                    (partition, task) -> {
                      metrics.forTask(task).getCounter(COUNT).inc(5);
                      throw new IllegalStateException("user code failed");
                    })
                .collect());

    assertEquals(5L, count(pipeline.now().getContainer(STEP)));
  }

  private static long count(MetricsContainerImpl container) {
    return container.getCounter(COUNT).getCumulative();
  }
}
