package dev.microbatch.runner.execution.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /** Reports every kind of Beam metric for each element. */
  static final class Measure extends DoFn<Long, Long> {
    private final Counter elements = Metrics.counter(MetricsTest.class, "elements");
    private final Distribution sizes = Metrics.distribution(MetricsTest.class, "sizes");
    private final Gauge last = Metrics.gauge(MetricsTest.class, "last");
    private final StringSet parity = Metrics.stringSet(MetricsTest.class, "parity");

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      elements.inc();
      sizes.update(x);
      last.set(x);
      parity.add(x % 2 == 0 ? "even" : "odd");
      out.output(x);
    }
  }

  @Test
  void countersDistributionsGaugesAndStringSetsAreAttemptedAndCommitted() {
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--parallelism=3")
                .create());
    p.apply(Create.of(1L, 2L, 3L, 4L, 10L)).apply("Measure", ParDo.of(new Measure()));
    PipelineResult result = p.run();
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());

    MetricResult<Long> elements = only(metrics.getCounters(), "elements");
    assertThat(elements.getAttempted(), equalTo(5L));
    assertThat(elements.getCommitted(), equalTo(5L));
    // The full name of the primitive, as Beam's DirectRunner reports it.
    assertThat(elements.getKey().stepName(), equalTo("Measure/ParMultiDo(Measure)"));

    DistributionResult sizes = only(metrics.getDistributions(), "sizes").getCommitted();
    assertThat(KV.of(sizes.getSum(), sizes.getCount()), equalTo(KV.of(20L, 5L)));
    assertThat(KV.of(sizes.getMin(), sizes.getMax()), equalTo(KV.of(1L, 10L)));

    assertThat(
        only(metrics.getStringSets(), "parity").getCommitted().getStringSet(),
        containsInAnyOrder("even", "odd"));
    assertThat(only(metrics.getGauges(), "last").getAttempted().getValue() > 0, equalTo(true));
  }

  private static <T> MetricResult<T> only(Iterable<MetricResult<T>> results, String name) {
    MetricResult<T> found = null;
    for (MetricResult<T> r : results) {
      if (r.getName().getName().equals(name)) {
        if (found != null) {
          throw new AssertionError("two results named " + name);
        }
        found = r;
      }
    }
    if (found == null) {
      throw new AssertionError("no result named " + name);
    }
    return found;
  }
}
