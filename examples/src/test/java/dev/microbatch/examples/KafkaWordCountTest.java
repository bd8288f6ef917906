package dev.microbatch.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.BatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaWordCountTest {
  private static final int LINES = 100_000;
  private static final long WINDOW_MILLIS = 10_000;
  /** The lines' timestamps: 2026-01-01T00:00:00Z onwards, half a millisecond apart (5 windows). */
  private static final long START = 1_767_225_600_000L;
  private static final List<String> WORDS =
      List.of("to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler");

  /** Per window start, per word: the count of the lines produced. */
  private final Map<Long, Map<String, Long>> produced = new TreeMap<>();

  @TempDir Path checkpoints;

  private void produceLines(EmbeddedKafkaBroker broker, String topic) throws Exception {
    broker.createTopic(topic, 3);
    Random random = new Random(42);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < LINES; i++) {
        long timestamp = START + i / 2;
        StringBuilder line = new StringBuilder();
        for (int w = 0; w < 5; w++) {
          String word = WORDS.get(random.nextInt(WORDS.size()));
          line.append(w == 0 ? "" : " ").append(word);
          produced
              .computeIfAbsent(timestamp - timestamp % WINDOW_MILLIS, t -> new TreeMap<>())
              .merge(word, 1L, Long::sum);
        }
        producer.send(new ProducerRecord<>(topic, null, timestamp, null, line.toString()));
      }
    }
  }

  private Map<Long, Map<String, Long>> runKafkaWordCount(EmbeddedKafkaBroker broker, String name, String... extraArgs)
      throws Exception {
    produceLines(broker, name + "-lines");
    broker.createTopic(name + "-counts", 1);
    PipelineResult result = start(broker, name, "--batchIntervalMillis=500", extraArgs);
    try {
      return countsAndCommits(broker, name, false);
    } finally {
      result.cancel();
    }
  }

  /**
   * Runs KafkaWordCount with --checkpointDir (a checkpoint every 2 batches) and a cap of 2,000
   * records a batch, so the 100,000 lines would take some 50 batches; cancels it after 12 batches,
   * some 24,000 lines in, and starts it again on the same directory, without the cap.
   */
  private Map<Long, Map<String, Long>> runCancelledAndRestarted(
      EmbeddedKafkaBroker broker, String name, String... extraArgs) throws Exception {
    produceLines(broker, name + "-lines");
    broker.createTopic(name + "-counts", 1);
    List<String> args = new ArrayList<>(List.of(extraArgs));
    args.addAll(List.of("--checkpointDir=" + checkpoints, "--checkpointIntervalBatches=2"));
    String[] restartable = args.toArray(String[]::new);
    args.add("--maxRecordsPerBatch=2000");
    MicroBatchPipelineResult first =
        (MicroBatchPipelineResult)
            start(broker, name, "--batchIntervalMillis=200", args.toArray(String[]::new));
    CountDownLatch twelveBatches = new CountDownLatch(12);
    first.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(BatchInfo batch) {
            twelveBatches.countDown();
          }
        });
    try {
      assertThat("12 batches in time", twelveBatches.await(90, TimeUnit.SECONDS), equalTo(true));
    } finally {
      first.cancel();
    }
    try (KafkaConsumer<String, String> output = consumer(broker, "first-run-" + name, name + "-counts")) {
      Set<Long> windows = new TreeSet<>();
      output.poll(Duration.ofSeconds(1)).forEach(r -> windows.add(r.timestamp() - r.timestamp() % WINDOW_MILLIS));
      assertThat("cancelled mid-stream, windows out " + windows, windows.size() < produced.size(), equalTo(true));
    }
    PipelineResult second = start(broker, name, "--batchIntervalMillis=200", restartable);
    try {
      return countsAndCommits(broker, name, true);
    } finally {
      second.cancel();
    }
  }

  private PipelineResult start(EmbeddedKafkaBroker broker, String name, String interval, String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                interval,
                "--parallelism=2",
                "--blockOnRun=false",
                "--inputTopic=" + name + "-lines",
                "--outputTopic=" + name + "-counts",
                "--groupId=" + name,
                "--windowSeconds=" + WINDOW_MILLIS / 1000));
    args.addAll(List.of(extraArgs));
    KafkaWordCount.Options options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(KafkaWordCount.Options.class);
    return KafkaWordCount.build(options, broker.bootstrapServers()).run();
  }

  private Map<Long, Map<String, Long>> countsAndCommits(
      EmbeddedKafkaBroker broker, String name, boolean panesMayRepeat) throws Exception {
    Map<Long, Map<String, Long>> counts = countsWritten(broker, name + "-counts", panesMayRepeat);
    assertThat("offsets committed by group " + name, committedOffsets(broker, name), equalTo((long) LINES));
    return counts;
  }

  /** The offsets the group has committed, over all partitions, once they stop moving. */
  private static long committedOffsets(EmbeddedKafkaBroker broker, String group) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      long committed = -1;
      long deadline = System.currentTimeMillis() + 30_000;
      while (committed < LINES && System.currentTimeMillis() < deadline) {
        committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
        Thread.sleep(100);
      }
      return committed;
    }
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker, String group, String topic) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /**
   * Reads the output topic until it holds a count for every window and word produced. Output is
   * at least once across a restart: a pane emitted before the cancel may be emitted again after
   * it, and must then carry the same count.
   */
  private Map<Long, Map<String, Long>> countsWritten(
      EmbeddedKafkaBroker broker, String topic, boolean panesMayRepeat) {
    Map<Long, Map<String, Long>> counts = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer = consumer(broker, "check-" + topic, topic)) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (!sameKeys(counts, produced) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          // the record's timestamp is its window's last millisecond; the value "word: count"
          long window = record.timestamp() - record.timestamp() % WINDOW_MILLIS;
          long count = Long.parseLong(record.value().substring(record.key().length() + 2));
          Long before = counts.computeIfAbsent(window, w -> new TreeMap<>()).put(record.key(), count);
          if (before != null && panesMayRepeat) {
            assertThat("a pane emitted again carries the same count: " + record, before, equalTo(count));
          } else {
            assertThat("one count per word and window: " + record, before, equalTo(null));
          }
        }
      }
    }
    return counts;
  }

  private static boolean sameKeys(Map<Long, Map<String, Long>> a, Map<Long, Map<String, Long>> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    return a.entrySet().stream().allMatch(e -> e.getValue().keySet().equals(b.get(e.getKey()).keySet()));
  }

  @Test
  void theLegacyReadCountsEveryWordOfEveryWindowExactly(EmbeddedKafkaBroker broker) throws Exception {
    Map<Long, Map<String, Long>> counts = runKafkaWordCount(broker, "legacy");
    assertThat(produced.size(), equalTo(5));
    assertThat(counts, equalTo(produced));
    assertThat(EngineThreads.alive(), equalTo(List.of()));
  }

  @Test
  void theSplittableDoFnReadCountsEveryWordOfEveryWindowExactly(EmbeddedKafkaBroker broker) throws Exception {
    Map<Long, Map<String, Long>> counts = runKafkaWordCount(broker, "sdf", "--experiments=use_sdf_read");
    assertThat(produced.size(), equalTo(5));
    assertThat(counts, equalTo(produced));
    assertThat(EngineThreads.alive(), equalTo(List.of()));
  }

  @Test
  void theLegacyReadCancelledMidStreamResumesFromItsCheckpointWithExactCounts(EmbeddedKafkaBroker broker)
      throws Exception {
    Map<Long, Map<String, Long>> counts = runCancelledAndRestarted(broker, "legacy-restarted");
    assertThat(counts, equalTo(produced));
  }

  @Test
  void theSplittableDoFnReadCancelledMidStreamResumesFromItsCheckpointWithExactCounts(
      EmbeddedKafkaBroker broker) throws Exception {
    Map<Long, Map<String, Long>> counts =
        runCancelledAndRestarted(broker, "sdf-restarted", "--experiments=use_sdf_read");
    assertThat(counts, equalTo(produced));
  }

  @Test
  void aMissingTopicIsNamed(EmbeddedKafkaBroker broker) throws Exception {
    broker.createTopic("present", 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaWordCount.requireTopics(broker.bootstrapServers(), "present", "absent"));
    assertThat(e.getMessage(), equalTo("Kafka topic 'absent' does not exist at " + broker.bootstrapServers()));
  }

  @Test
  void unreachableBootstrapServersAreNamed() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    String servers = "localhost:" + port;
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> KafkaWordCount.requireTopics(servers, "lines"));
    assertThat(e.getMessage(), startsWith("Cannot reach Kafka at " + servers + " (--bootstrapServers) within 15 s"));
  }
}
