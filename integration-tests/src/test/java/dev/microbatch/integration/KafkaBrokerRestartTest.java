package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import dev.microbatch.examples.kafka.KafkaWordCount;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Throwables;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker restarts while the job reads from it: the job waits for it (KafkaIO's consumers
 * reconnect) and goes on where it was, losing no record and reading none twice. A broker that stays
 * down fails the Kafka word count with an error naming it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerRestartTest {
  private static final int PER_ROUND = 20_000;
  private static final Map<Long, Integer> SEEN = new ConcurrentHashMap<>();

  private static final class Record extends DoFn<KV<Long, String>, Void> {
    @ProcessElement
    public void process(@Element KV<Long, String> record) {
      SEEN.merge(record.getKey(), 1, Integer::sum);
    }
  }

  @Test
  void aBrokerRestartedMidStreamLosesNoRecordAndDuplicatesNone(EmbeddedKafkaBroker broker)
      throws Exception {
    broker.createTopic("restarting", 3);
    produce(broker, 0, PER_ROUND);
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=200",
                    "--parallelism=2",
                    "--maxRecordsPerBatch=2000",
                    "--blockOnRun=false")
                .create());
    pipeline.apply(NumberedRecords.read(broker, "restarting")).apply(ParDo.of(new Record()));
    PipelineResult job = pipeline.run();
    try {
      awaitSeen(PER_ROUND / 4, job);
      broker.stop();
      Thread.sleep(3000);
      assertThat(
          "the job outlives the broker's absence", job.getState().isTerminal(), equalTo(false));
      broker.startAgain();
      produce(broker, PER_ROUND, 2 * PER_ROUND);
      awaitSeen(2 * PER_ROUND, job);
    } finally {
      job.cancel();
    }
    assertThat(SEEN.size(), equalTo(2 * PER_ROUND));
    assertThat("each record once", SEEN.values().stream().allMatch(c -> c == 1), equalTo(true));
  }

  @Test
  void aBrokerThatStaysDownFailsTheKafkaWordCountNamingIt(EmbeddedKafkaBroker broker)
      throws Exception {
    assertFailsOnceTheBrokerStaysDown(broker, "outage");
  }

  @Test
  void aBrokerThatStaysDownFailsTheKafkaWordCountsSplittableReadNamingIt(EmbeddedKafkaBroker broker)
      throws Exception {
    assertFailsOnceTheBrokerStaysDown(broker, "outage-sdf", "--experiments=use_sdf_read");
  }

  private static void assertFailsOnceTheBrokerStaysDown(
      EmbeddedKafkaBroker broker, String name, String... extraArgs) throws Exception {
    broker.createTopic(name + "-lines", 2);
    broker.createTopic(name + "-counts", 1);
    KafkaWordCount.produceBundledText(broker.bootstrapServers(), name + "-lines");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--batchIntervalMillis=200",
                "--blockOnRun=false",
                "--inputTopic=" + name + "-lines",
                "--outputTopic=" + name + "-counts",
                "--groupId=" + name,
                "--windowSeconds=3600", // no window closes: the read is what finds the broker gone
                "--maxBrokerOutageSeconds=2",
                "--readRetryWindowMillis=3000"));
    args.addAll(List.of(extraArgs));
    KafkaWordCount.Options options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .as(KafkaWordCount.Options.class);
    MicroBatchPipelineResult job =
        (MicroBatchPipelineResult) KafkaWordCount.build(options, broker.bootstrapServers()).run();
    CountDownLatch reading = new CountDownLatch(1);
    job.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            if (batch.numRecords() > 0) {
              reading.countDown();
            }
          }
        });
    try {
      assertThat("reading in time", reading.await(60, TimeUnit.SECONDS), equalTo(true));
      broker.stop();
      long stopped = System.nanoTime();
      Exception failure = assertThrows(Exception.class, () -> job.waitUntilFinish());
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped);
      String messages =
          Throwables.getCausalChain(failure).stream()
              .map(Throwable::getMessage)
              .toList()
              .toString();
      System.out.printf("%s: failed %d s after the broker stopped: %s%n", name, seconds, messages);
      assertThat(
          messages,
          containsString(
              "No Kafka broker of "
                  + broker.bootstrapServers()
                  + " reachable for 2 s (--maxBrokerOutageSeconds)"));
      assertThat(
          "failed within the limits (2 s, 3 s of retries, up to 10 s of an idle restriction's rest) and slack",
          seconds < 45,
          equalTo(true));
    } finally {
      job.cancel();
      broker.startAgain();
    }
    assertThat(EngineThreads.alive(), equalTo(List.of()));
  }

  private static void awaitSeen(int count, PipelineResult job) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (SEEN.size() < count
        && System.currentTimeMillis() < deadline
        && !job.getState().isTerminal()) {
      Thread.sleep(50);
    }
  }

  private static void produce(EmbeddedKafkaBroker broker, long from, long to) {
    try (KafkaProducer<Long, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new LongSerializer(),
            new StringSerializer())) {
      for (long n = from; n < to; n++) {
        producer.send(NumberedRecords.record("restarting", n));
      }
    }
  }
}
