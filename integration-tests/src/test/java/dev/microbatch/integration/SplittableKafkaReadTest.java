package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaIO's splittable read (--experiments=use_sdf_read) of three partitions: one with a backlog
 * larger than the test can read, beside two that receive a record every 50 ms. The backlog must not
 * keep the others from being read, so windows close all along; and after a restart from the
 * checkpoints, once the first batch is done, no batch waits two batch intervals to start.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SplittableKafkaReadTest {
  private static final String TOPIC = "sdf-backlog";
  private static final long INTERVAL_MILLIS = 500;
  private static final long BACKLOG = 400_000;

  /** Window end -> partition -> records, as each window closes (at least once). */
  private static final Map<Long, Map<Integer, Long>> CLOSED = new ConcurrentHashMap<>();

  private static final class RecordClosedWindow extends DoFn<KV<Integer, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<Integer, Long> count, IntervalWindow window) {
      CLOSED
          .computeIfAbsent(window.end().getMillis(), end -> new ConcurrentHashMap<>())
          .put(count.getKey(), count.getValue());
    }
  }

  @TempDir Path checkpoints;

  @Test
  void aBackloggedPartitionLetsTheOthersWindowsCloseAndARestartedJobKeepsUp(
      EmbeddedKafkaBroker broker) throws Exception {
    broker.createTopic(TOPIC, 3);
    AtomicLong trickled = new AtomicLong();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (KafkaProducer<Long, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", "5"),
            new LongSerializer(),
            new StringSerializer())) {
      for (long n = 0; n < BACKLOG; n++) {
        producer.send(new ProducerRecord<>(TOPIC, 0, n, "backlog " + n));
      }
      producer.flush();
      trickle.scheduleAtFixedRate(
          () -> {
            long n = trickled.incrementAndGet();
            producer.send(new ProducerRecord<>(TOPIC, 1, n, "slow " + n));
            producer.send(new ProducerRecord<>(TOPIC, 2, n, "slow " + n));
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      try {
        Life first = run(broker, 12);
        Set<Long> closedInFirstLife = Set.copyOf(CLOSED.keySet());
        System.out.printf(
            "SDF-FAIR: life 1: %d batches, %d windows closed, %s%n",
            first.batches.size(), closedInFirstLife.size(), first.summary());
        assertThat(
            "windows with records of the slow partitions closed while partition 0 had a backlog",
            windowsWithSlowPartitions(),
            greaterThanOrEqualTo(5L));
        assertThat("partition 0 still had a backlog", first.records() < BACKLOG, equalTo(true));

        try (var written = Files.list(checkpoints)) {
          assertThat("life 1 wrote checkpoints", written.findAny().isPresent(), equalTo(true));
        }
        Life second = run(broker, 12);
        System.out.printf(
            "SDF-FAIR: life 2 (restarted): %d batches, %s%n",
            second.batches.size(), second.summary());
        List<MicroBatchInfo> afterFirst = second.batches.subList(1, second.batches.size());
        long worst = afterFirst.stream().mapToLong(MicroBatchInfo::schedulingDelay).max().orElse(0);
        assertThat(
            "the restarted job's worst scheduling delay after its first batch",
            worst,
            lessThan(2 * INTERVAL_MILLIS));
        long afterFirstRecords = afterFirst.stream().mapToLong(MicroBatchInfo::numRecords).sum();
        assertThat(
            "records a batch after the restart, of the 6,000 partition 0 could give",
            afterFirstRecords / afterFirst.size(),
            greaterThanOrEqualTo(1000L));
        assertThat(
            "windows kept closing after the restart",
            CLOSED.keySet().stream().filter(end -> !closedInFirstLife.contains(end)).count(),
            greaterThanOrEqualTo(5L));
      } finally {
        trickle.shutdownNow();
      }
    }
  }

  /** Closed windows that counted records of both slow partitions. */
  private static long windowsWithSlowPartitions() {
    return CLOSED.values().stream()
        .filter(byPartition -> byPartition.containsKey(1) && byPartition.containsKey(2))
        .count();
  }

  /** One life of the job: its batches. */
  private record Life(List<MicroBatchInfo> batches) {
    long records() {
      return batches.stream().mapToLong(MicroBatchInfo::numRecords).sum();
    }

    String summary() {
      List<String> each = new ArrayList<>();
      for (MicroBatchInfo batch : batches) {
        each.add(
            batch.numRecords() + "r/" + batch.schedulingDelay() + "+" + batch.processingTime());
      }
      return "records/scheduling delay+processing ms: " + each;
    }
  }

  /** Runs the job on the checkpoint directory for {@code seconds}, then cancels it. */
  private Life run(EmbeddedKafkaBroker broker, int seconds) throws Exception {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--experiments=use_sdf_read",
                    // one task runs the three restrictions' calls one after another
                    "--parallelism=1",
                    "--batchIntervalMillis=" + INTERVAL_MILLIS,
                    "--maxRecordsPerBatch=6000",
                    "--checkpointIntervalBatches=4",
                    "--checkpointDirectory=" + checkpoints,
                    "--blockOnRun=false")
                .create());
    pipeline
        .apply(
            KafkaIO.<Long, String>read()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopic(TOPIC)
                .withKeyDeserializer(LongDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")))
        .apply(
            "Partition",
            MapElements.into(TypeDescriptors.integers())
                .via((KafkaRecord<Long, String> record) -> record.getPartition()))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply(Count.perElement())
        .apply(ParDo.of(new RecordClosedWindow()));
    MicroBatchPipelineResult job = (MicroBatchPipelineResult) pipeline.run();
    List<MicroBatchInfo> batches = new CopyOnWriteArrayList<>();
    job.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            batches.add(batch);
          }
        });
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      assertThat("the job runs", job.getState().isTerminal(), equalTo(false));
    } finally {
      job.cancel();
    }
    return new Life(List.copyOf(batches));
  }
}
