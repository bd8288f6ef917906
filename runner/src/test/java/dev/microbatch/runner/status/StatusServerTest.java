package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final class CountNumbers extends DoFn<Long, Long> {
    private final Counter numbers = Metrics.counter("status-test", "numbers");

    @ProcessElement
    public void process(@Element Long n, OutputReceiver<Long> out) {
      numbers.inc();
      out.output(n);
    }
  }

  private static Pipeline endless(String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--batchIntervalMillis=100",
                "--blockOnRun=false"));
    args.addAll(List.of(extraArgs));
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create());
    pipeline
        .apply("Numbers", GenerateSequence.from(0).withRate(2000, Duration.standardSeconds(1)))
        .apply("Count", ParDo.of(new CountNumbers()));
    return pipeline;
  }

  private static JsonNode get(URI base, String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(
        response.headers().firstValue("Content-Type").orElse(""), equalTo("application/json"));
    return JSON.readTree(response.body());
  }

  private static boolean statusThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals(StatusServer.THREAD_NAME));
  }

  @Test
  void theJsonApiShowsTheBatchesTheListenersSawThePipelineAndItsMetrics() throws Exception {
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) endless("--statusPort=0").run();
    Map<Long, Long> recordsByBatch = new ConcurrentHashMap<>();
    CountDownLatch threeBatches = new CountDownLatch(3);
    job.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            recordsByBatch.put(batch.batchTime(), batch.numRecords());
            threeBatches.countDown();
          }
        });
    URI url = job.statusUrl().orElseThrow();
    try {
      assertThat(threeBatches.await(30, TimeUnit.SECONDS), equalTo(true));
      JsonNode batches = get(url, "api/batches");
      assertThat(batches.get("batchIntervalMillis").asLong(), equalTo(100L));
      int checked = 0;
      for (JsonNode batch : batches.get("completed")) {
        Long seen = recordsByBatch.get(batch.get("batchTime").asLong());
        if (seen != null) {
          assertThat(batch.get("records").asLong(), equalTo(seen));
          assertThat(
              batch.get("inputRecords").get("Numbers/Read(UnboundedCountingSource)").asLong(),
              equalTo(seen));
          if (!batch.get("recordBudget").isNull()) {
            // one rate-limited input: its share is the whole budget
            assertThat(
                batch.get("sourceBudgets").get("Numbers/Read(UnboundedCountingSource)").asLong(),
                equalTo(batch.get("recordBudget").asLong()));
          }
          checked++;
        }
      }
      assertThat(checked, greaterThanOrEqualTo(3));
      assertThat(batches.get("totals").get("completedBatches").asLong(), greaterThanOrEqualTo(3L));
      List<String> pcollections = new ArrayList<>();
      batches.get("watermarks").fieldNames().forEachRemaining(pcollections::add);
      assertThat(pcollections, hasItem("Count/ParMultiDo(CountNumbers).output"));
      assertThat(batches.get("waiting").isArray(), equalTo(true));
      List<String> fused = new ArrayList<>();
      for (JsonNode batchJob : get(url, "api/jobs").get("jobs")) {
        batchJob
            .get("stages")
            .forEach(stage -> stage.get("names").forEach(name -> fused.add(name.asText())));
      }
      assertThat(fused, hasItem("Count/ParMultiDo(CountNumbers)"));

      List<String> transforms = new ArrayList<>();
      get(url, "api/pipeline").get("transforms").fieldNames().forEachRemaining(transforms::add);
      assertThat(transforms, hasItem("Count/ParMultiDo(CountNumbers)"));

      JsonNode counter = get(url, "api/metrics").get("counters").get(0);
      assertThat(counter.get("name").asText(), equalTo("numbers"));
      assertThat(counter.get("value").asLong(), greaterThan(0L));
    } finally {
      job.cancel();
    }
    assertThat("the status thread ends with the job", statusThreadAlive(), equalTo(false));
    assertThrows(ConnectException.class, () -> get(url, "api/batches"));
  }

  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  /**
   * Holds the task that reads number 0 until the test has looked at the job's progress; the other
   * task reads the rest and ends.
   */
  private static final class WaitForTheTest extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long n, OutputReceiver<Long> out) throws InterruptedException {
      if (n == 0) {
        RELEASE.await(30, TimeUnit.SECONDS);
      }
      out.output(n);
    }
  }

  @Test
  void aBatchJobShowsItsStagesTasksDoneAndTheTransformsFusedIntoEach() throws Exception {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--parallelism=2",
                    "--blockOnRun=false",
                    "--statusPort=0")
                .create());
    pipeline
        .apply("Numbers", GenerateSequence.from(0).to(100))
        .apply("Wait", ParDo.of(new WaitForTheTest()))
        .apply("CountThem", org.apache.beam.sdk.transforms.Count.globally());
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) pipeline.run();
    URI url = job.statusUrl().orElseThrow();
    try {
      JsonNode running = firstJob(url);
      assertThat(running.get("state").asText(), equalTo("running"));
      List<String> fused = new ArrayList<>();
      for (JsonNode stage : running.get("stages")) {
        stage.get("names").forEach(name -> fused.add(name.asText()));
      }
      assertThat(fused, hasItem("Wait/ParMultiDo(WaitForTheTest)"));
      // one of the reading stage's two tasks is done, the other waits for the test
      JsonNode reading = stageRunning(url, "Wait/ParMultiDo(WaitForTheTest)", 1);
      assertThat(reading.get("tasks").asInt(), equalTo(2));
      assertThat(running.get("state").asText(), equalTo("running"));
      assertThat(get(url, "api/batches").get("streaming").asBoolean(), equalTo(false));
    } finally {
      RELEASE.countDown();
    }
    job.waitUntilFinish();
    assertThat("the status thread ends with the job", statusThreadAlive(), equalTo(false));
  }

  /**
   * The first job's stage that runs {@code transform}, once {@code tasksDone} of its tasks are
   * done.
   */
  private static JsonNode stageRunning(URI url, String transform, int tasksDone) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      for (JsonNode stage : firstJob(url).get("stages")) {
        boolean runsIt = false;
        for (JsonNode name : stage.get("names")) {
          runsIt |= name.asText().equals(transform);
        }
        if (runsIt && stage.get("tasksDone").asInt() == tasksDone) {
          return stage;
        }
      }
      assertThat(
          "a stage of " + transform + " with " + tasksDone + " tasks done within 30 s",
          System.nanoTime() < deadline,
          equalTo(true));
      Thread.sleep(20);
    }
  }

  /**
   * The first job the status server shows, once it shows one: run() returns before the driver has
   * translated the pipeline and submitted its first job.
   */
  private static JsonNode firstJob(URI url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      JsonNode jobs = get(url, "api/jobs").get("jobs");
      if (jobs.size() > 0) {
        return jobs.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The status server showed no job in 30 s: " + jobs);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void withoutAStatusPortThereIsNoServerAndNoThread() throws Exception {
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) endless().run();
    try {
      job.waitUntilFinish(Duration.millis(300));
      assertThat(job.statusUrl().isPresent(), equalTo(false));
      assertThat(statusThreadAlive(), equalTo(false));
    } finally {
      job.cancel();
    }
  }
}
