package dev.microbatch.runner.execution.shuffle;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Shuffles past --shuffleMemoryMb spill to disk, and every key still gets all its values. */
class SpillingPipelineTest {
  private static final long NUMBERS = 200_000;
  private static final long KEYS = 20_000;
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Holds its bundle until the test has seen the spill on the status server. */
  private static final class WaitForTheTest extends DoFn<KV<String, Long>, KV<String, Long>> {
    @ProcessElement
    public void process(@Element KV<String, Long> kv, OutputReceiver<KV<String, Long>> out)
        throws InterruptedException {
      RELEASE.await(60, TimeUnit.SECONDS);
      out.output(kv);
    }
  }

  /**
   * Key j holds the numbers j, j + KEYS, j + 2 KEYS, ... below NUMBERS: their sum, by key, over
   * {@code sums}.
   */
  private static SerializableFunction<Iterable<KV<String, Long>>, Void> everyKeysSum(
      long elements) {
    return sums -> {
      Map<String, Long> byKey = new HashMap<>();
      long count = 0;
      for (KV<String, Long> sum : sums) {
        byKey.merge(sum.getKey(), sum.getValue(), Long::sum);
        count++;
      }
      assertEquals(elements, count);
      assertEquals(KEYS, byKey.size());
      long perKey = NUMBERS / KEYS;
      for (long j = 0; j < KEYS; j++) {
        assertEquals(
            perKey * j + KEYS * perKey * (perKey - 1) / 2, byKey.get("key" + j), "key" + j);
      }
      return null;
    };
  }

  @Test
  void groupByKeyAndCombinePastTheShuffleMemorySpillToDiskAndGiveEveryKeyAllItsValues()
      throws Exception {
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--parallelism=2",
                    "--shuffleMemoryMb=1",
                    "--blockOnRun=false",
                    "--statusPort=0")
                .create());
    PCollection<KV<String, Long>> pairs =
        p.apply(GenerateSequence.from(0).to(NUMBERS))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(n -> KV.of("key" + n % KEYS, n)));
    PCollection<KV<String, Long>> grouped =
        pairs
            .apply(GroupByKey.create())
            .apply(
                "SumGroups",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(group -> KV.of(group.getKey(), sum(group.getValue()))))
            .apply("Wait", ParDo.of(new WaitForTheTest()));
    // A trigger of its own keeps this GroupByKey on ReduceFnRunner, whose shuffle spills elements
    PCollection<KV<String, Long>> triggered =
        pairs
            .apply(
                "Triggered",
                Window.<KV<String, Long>>configure()
                    .triggering(AfterWatermark.pastEndOfWindow())
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes())
            .apply("GroupByKeyTriggered", GroupByKey.create())
            .apply(
                "SumTriggered",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(group -> KV.of(group.getKey(), sum(group.getValue()))));
    PCollection<KV<String, Long>> combined = pairs.apply("Sum", Sum.longsPerKey());
    PCollection<KV<String, Long>> inWindows =
        pairs
            .apply(WithTimestamps.of(kv -> new Instant(kv.getValue())))
            .apply(Window.into(FixedWindows.of(Duration.millis(NUMBERS / 4))))
            .apply("SumInWindows", Sum.longsPerKey());
    PAssert.that(grouped).satisfies(everyKeysSum(KEYS));
    PAssert.that(triggered).satisfies(everyKeysSum(KEYS));
    PAssert.that(combined).satisfies(everyKeysSum(KEYS));
    PAssert.that(inWindows)
        .satisfies(everyKeysSum(4 * KEYS)); // every key has numbers in all 4 windows

    PipelineResult result = p.run();
    try {
      assertThat(
          "some stage spilled",
          spilledBytes(((MicroBatchPipelineResult) result).statusUrl().orElseThrow()) > 0,
          equalTo(true));
    } finally {
      RELEASE.countDown();
    }
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, result);
  }

  private static long sum(Iterable<Long> values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }

  /**
   * The bytes the job's stages spilled, as the status server shows them once any stage spilled (30
   * s at most).
   */
  private static long spilledBytes(URI status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long spilled = 0;
    while (spilled == 0 && System.nanoTime() < deadline) {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(status.resolve("api/jobs")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (JsonNode job : new ObjectMapper().readTree(body).get("jobs")) {
        for (JsonNode stage : job.get("stages")) {
          spilled += stage.get("spilledBytes").asLong();
        }
      }
      Thread.sleep(20);
    }
    return spilled;
  }
}
