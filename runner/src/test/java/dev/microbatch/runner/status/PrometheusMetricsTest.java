package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.hawkular.agent.prometheus.types.Summary;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} scraped and parsed as Prometheus would, its values checked against {@code
 * /api/batches}, {@code /api/jobs} and the pipeline's own metrics while the job holds still.
 */
class PrometheusMetricsTest {
  private static final String NAMESPACE = "prometheus-test";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final CountDownLatch STREAM_HELD = new CountDownLatch(1);
  private static final CountDownLatch RELEASE_STREAM = new CountDownLatch(1);

  /**
   * Counts, measures and gauges each number; from number 500 on it holds its batch until the test
   * has scraped, so that nothing changes in between.
   */
  private static final class MeasureNumbers extends DoFn<Long, Long> {
    private final Counter numbers = Metrics.counter(NAMESPACE, "numbers");
    private final Distribution sizes = Metrics.distribution(NAMESPACE, "number size");
    private final Gauge last = Metrics.gauge(NAMESPACE, "last.number");

    @ProcessElement
    public void process(@Element Long n, OutputReceiver<Long> out) throws InterruptedException {
      numbers.inc();
      sizes.update(n);
      last.set(n);
      if (n >= 500) {
        STREAM_HELD.countDown();
        RELEASE_STREAM.await(60, TimeUnit.SECONDS);
      }
      out.output(n);
    }
  }

  @Test
  void aStreamingJobsMetricsAreThoseOfItsBatchesWatermarksAndBeamMetrics() throws Exception {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--parallelism=1",
                    "--batchIntervalMillis=100",
                    "--blockOnRun=false",
                    "--statusPort=0")
                .create());
    pipeline
        .apply("Numbers", GenerateSequence.from(0).withRate(2000, Duration.standardSeconds(1)))
        .apply("Measure", ParDo.of(new MeasureNumbers()));
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) pipeline.run();
    URI url = job.statusUrl().orElseThrow();
    try {
      assertThat(STREAM_HELD.await(60, TimeUnit.SECONDS), equalTo(true));
      long before = System.currentTimeMillis();
      Map<String, MetricFamily> scraped = scrape(url);
      long after = System.currentTimeMillis();
      JsonNode batches = json(url, "api/batches");

      JsonNode totals = batches.get("totals");
      assertThat(totals.get("completedBatches").asLong(), greaterThan(0L));
      assertThat(
          value(scraped, "microbatch_batches_completed_total", Map.of()),
          equalTo(totals.get("completedBatches").asDouble()));
      String input = "Numbers/Read(UnboundedCountingSource)";
      assertThat(
          value(scraped, "microbatch_input_records_total", Map.of("input", input)),
          equalTo(totals.get("recordsByInput").get(input).asDouble()));
      assertThat(value(scraped, "microbatch_batches_running", Map.of()), equalTo(1.0));
      assertThat(value(scraped, "microbatch_batch_interval_seconds", Map.of()), equalTo(0.1));
      JsonNode completed = batches.get("completed");
      JsonNode last = completed.get(completed.size() - 1);
      assertThat(
          value(scraped, "microbatch_last_batch_input_records", Map.of("input", input)),
          equalTo(last.get("records").asDouble()));
      assertThat(
          value(scraped, "microbatch_last_batch_scheduling_delay_seconds", Map.of()),
          equalTo(last.get("schedulingDelay").asDouble() / 1000));
      assertThat(
          value(scraped, "microbatch_last_batch_processing_time_seconds", Map.of()),
          equalTo(last.get("processingTime").asDouble() / 1000));
      assertThat(
          value(scraped, "microbatch_last_batch_total_delay_seconds", Map.of()),
          equalTo(last.get("totalDelay").asDouble() / 1000));

      String measured = "Measure/ParMultiDo(MeasureNumbers).output";
      long watermark = batches.get("watermarks").get(measured).asLong();
      double lag =
          value(scraped, "microbatch_watermark_lag_seconds", Map.of("pcollection", measured));
      assertThat(lag, greaterThanOrEqualTo((before - watermark) / 1000.0));
      assertThat(lag, lessThanOrEqualTo((after - watermark) / 1000.0));

      MetricQueryResults beam =
          job.metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(NAMESPACE))
                      .build());
      Map<String, String> step =
          Map.of("step", "Measure/ParMultiDo(MeasureNumbers)", "namespace", NAMESPACE);
      long numbers = beam.getCounters().iterator().next().getAttempted();
      assertThat(numbers, greaterThan(500L));
      assertThat(value(scraped, "beam_numbers_total", step), equalTo((double) numbers));
      DistributionResult sizes = beam.getDistributions().iterator().next().getAttempted();
      Summary summary = (Summary) metric(scraped, "beam_number_size", step);
      assertThat(scraped.get("beam_number_size").getType(), equalTo(MetricType.SUMMARY));
      assertThat(summary.getSampleCount(), equalTo(sizes.getCount()));
      assertThat(summary.getSampleSum(), equalTo((double) sizes.getSum()));
      assertThat(summary.getQuantiles().get(0).getQuantile(), equalTo(0.0));
      assertThat(summary.getQuantiles().get(0).getValue(), equalTo((double) sizes.getMin()));
      assertThat(summary.getQuantiles().get(1).getQuantile(), equalTo(1.0));
      assertThat(summary.getQuantiles().get(1).getValue(), equalTo((double) sizes.getMax()));
      assertThat(
          value(scraped, "beam_last_number", step),
          equalTo((double) beam.getGauges().iterator().next().getAttempted().getValue()));
      assertThat(scraped.get("beam_last_number").getType(), equalTo(MetricType.GAUGE));
      assertThat(scraped.get("beam_numbers_total").getType(), equalTo(MetricType.COUNTER));
    } finally {
      RELEASE_STREAM.countDown();
      job.cancel();
    }
  }

  @Test
  void aBatchJobsSpilledBytesAreThoseItsStagesReport() throws Exception {
    HeldSpillingBatchJob job = HeldSpillingBatchJob.start();
    URI url = job.result().statusUrl().orElseThrow();
    try {
      // the groups are read once every map task has written (and spilled) its output
      assertThat(job.awaitHeld(60), equalTo(true));
      long spilled = 0;
      for (JsonNode stage : json(url, "api/jobs").get("jobs").get(0).get("stages")) {
        spilled += stage.get("spilledBytes").asLong();
      }
      assertThat(spilled, greaterThan(0L));
      Map<String, MetricFamily> scraped = scrape(url);
      assertThat(
          value(scraped, "microbatch_shuffle_spilled_bytes_total", Map.of()),
          equalTo((double) spilled));
      assertThat(
          "no batch statistics in batch mode",
          scraped.containsKey("microbatch_batches_completed_total"),
          equalTo(false));
    } finally {
      job.release();
    }
    assertThat(job.finish(), equalTo(PipelineResult.State.DONE));
  }

  /** {@code /metrics}, parsed by Hawkular's parser of Prometheus' text format, by family name. */
  private static Map<String, MetricFamily> scrape(URI url) throws Exception {
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.resolve("metrics")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode(), equalTo(200));
    assertThat(
        response.headers().firstValue("Content-Type").orElse(""),
        equalTo("text/plain; version=0.0.4; charset=utf-8"));
    CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
    new TextPrometheusMetricsProcessor(new ByteArrayInputStream(response.body()), walker).walk();
    Map<String, MetricFamily> families = new HashMap<>();
    for (MetricFamily family : walker.getAllMetricFamilies()) {
      families.put(family.getName(), family);
    }
    return families;
  }

  private static Metric metric(
      Map<String, MetricFamily> families, String family, Map<String, String> labels) {
    MetricFamily found = families.get(family);
    assertThat("family " + family + " in " + families.keySet(), found != null, equalTo(true));
    List<Metric> matching =
        found.getMetrics().stream().filter(m -> m.getLabels().equals(labels)).toList();
    assertThat(family + labels + " once in " + found.getMetrics(), matching.size(), equalTo(1));
    return matching.get(0);
  }

  private static double value(
      Map<String, MetricFamily> families, String family, Map<String, String> labels) {
    Metric metric = metric(families, family, labels);
    if (metric instanceof org.hawkular.agent.prometheus.types.Counter counter) {
      return counter.getValue();
    }
    return ((org.hawkular.agent.prometheus.types.Gauge) metric).getValue();
  }

  private static JsonNode json(URI url, String path) throws Exception {
    return JSON.readTree(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .body());
  }
}
