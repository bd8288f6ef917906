package dev.microbatch.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker restarts while the job reads from it: the job waits for it (KafkaIO's consumers
 * reconnect) and goes on where it was, losing no record and reading none twice.
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
  void aBrokerRestartedMidStreamLosesNoRecordAndDuplicatesNone(EmbeddedKafkaBroker broker) throws Exception {
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
    pipeline
        .apply(NumberedRecords.read(broker, "restarting"))
        .apply(ParDo.of(new Record()));
    PipelineResult job = pipeline.run();
    try {
      awaitSeen(PER_ROUND / 4, job);
      broker.stop();
      Thread.sleep(3000);
      assertThat("the job outlives the broker's absence", job.getState().isTerminal(), equalTo(false));
      broker.startAgain();
      produce(broker, PER_ROUND, 2 * PER_ROUND);
      awaitSeen(2 * PER_ROUND, job);
    } finally {
      job.cancel();
    }
    assertThat(SEEN.size(), equalTo(2 * PER_ROUND));
    assertThat("each record once", SEEN.values().stream().allMatch(c -> c == 1), equalTo(true));
  }

  private static void awaitSeen(int count, PipelineResult job) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (SEEN.size() < count && System.currentTimeMillis() < deadline && !job.getState().isTerminal()) {
      Thread.sleep(50);
    }
  }

  private static void produce(EmbeddedKafkaBroker broker, long from, long to) {
    try (KafkaProducer<Long, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()), new LongSerializer(), new StringSerializer())) {
      for (long n = from; n < to; n++) {
        producer.send(NumberedRecords.record("restarting", n));
      }
    }
  }
}
