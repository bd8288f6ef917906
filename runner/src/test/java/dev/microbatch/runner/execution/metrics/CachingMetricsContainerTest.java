package dev.microbatch.runner.execution.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricName;
import org.junit.jupiter.api.Test;

/**
 * What a step's user code records through the caching container is recorded by the step's
 * container.
 */
class CachingMetricsContainerTest {
  private static final int NAMES = 100; // more than the container keeps found
  private static final int ROUNDS = 1000;

  @Test
  void everyUpdateReachesTheStepsMetricsWhateverThreadAndHoweverManyNames() throws Exception {
    MetricsContainerImpl step = new MetricsContainerImpl("step");
    CachingMetricsContainer caching = new CachingMetricsContainer(step);
    List<MetricName> names = new ArrayList<>();
    for (int i = 0; i < NAMES; i++) {
      names.add(MetricName.named("ns", "metric" + i));
    }
    ExecutorService tasks = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        done.add(
            tasks.submit(
                () -> {
                  for (int round = 0; round < ROUNDS; round++) {
                    for (MetricName name : names) {
                      caching.getCounter(name).inc();
                      caching.getDistribution(name).update(round);
                    }
                    // a name made anew for each update, as Metrics.counter(...) in a DoFn makes it
                    caching.getCounter(MetricName.named("ns", "fresh")).inc(2);
                  }
                }));
      }
      for (Future<?> task : done) {
        task.get();
      }
    } finally {
      tasks.shutdownNow();
    }
    long sumOfRounds = (long) ROUNDS * (ROUNDS - 1) / 2;
    for (MetricName name : names) {
      assertEquals(2L * ROUNDS, step.getCounter(name).getCumulative(), name.toString());
      assertEquals(
          2L * ROUNDS, step.getDistribution(name).getCumulative().count(), name.toString());
      assertEquals(
          2 * sumOfRounds, step.getDistribution(name).getCumulative().sum(), name.toString());
    }
    assertEquals(4L * ROUNDS, step.getCounter(MetricName.named("ns", "fresh")).getCumulative());
  }
}
