package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import dev.microbatch.examples.kafka.KafkaWordCount;
import dev.microbatch.runner.LateValues;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaWordCountTest {
  private final WordCountTopics topics = new WordCountTopics();
  private final Map<Long, Map<String, Long>> produced = topics.produced();

  @TempDir Path checkpoints;

  private Map<Long, Map<String, Long>> runKafkaWordCount(
      EmbeddedKafkaBroker broker, String name, String... extraArgs) throws Exception {
    topics.produceLines(broker, name + "-lines");
    broker.createTopic(name + "-counts", 1);
    PipelineResult result = start(broker, name, "--batchIntervalMillis=500", extraArgs);
    try {
      return countsAndCommits(broker, name, false, result);
    } finally {
      result.cancel();
    }
  }

  /**
   * Runs KafkaWordCount with --checkpointDirectory (a checkpoint every 2 batches) and a cap of
   * 2,000 records a batch, so the 100,000 lines would take some 50 batches; cancels it after 12
   * batches, some 24,000 lines in, and starts it again on the same directory, without the cap.
   */
  private Map<Long, Map<String, Long>> runCancelledAndRestarted(
      EmbeddedKafkaBroker broker, String name, String... extraArgs) throws Exception {
    topics.produceLines(broker, name + "-lines");
    broker.createTopic(name + "-counts", 1);
    List<String> args = new ArrayList<>(List.of(extraArgs));
    args.addAll(List.of("--checkpointDirectory=" + checkpoints, "--checkpointIntervalBatches=2"));
    String[] restartable = args.toArray(String[]::new);
    args.add("--maxRecordsPerBatch=2000");
    MicroBatchPipelineResult first =
        (MicroBatchPipelineResult)
            start(broker, name, "--batchIntervalMillis=200", args.toArray(String[]::new));
    CountDownLatch twelveBatches = new CountDownLatch(12);
    AtomicLong linesRead = new AtomicLong();
    first.addStreamingListener(
        new StreamingListener() {
          @Override
          public void onBatchCompleted(MicroBatchInfo batch) {
            linesRead.addAndGet(batch.numRecords());
            twelveBatches.countDown();
          }
        });
    try {
      assertThat("12 batches in time", twelveBatches.await(90, TimeUnit.SECONDS), equalTo(true));
    } finally {
      first.cancel();
    }
    assertThat(
        "cancelled mid-stream: lines read by the first run",
        linesRead.get(),
        allOf(greaterThan(0L), lessThan((long) WordCountTopics.LINES)));
    Set<Long> windows = windowsOut(broker, "first-run-" + name, name + "-counts");
    assertThat(
        "cancelled mid-stream, windows out " + windows,
        windows.size() < produced.size(),
        equalTo(true));
    PipelineResult second = start(broker, name, "--batchIntervalMillis=200", restartable);
    try {
      return countsAndCommits(broker, name, true, second);
    } finally {
      second.cancel();
    }
  }

  /** The windows of every count in {@code topic}, read to its end (one partition). */
  private static Set<Long> windowsOut(EmbeddedKafkaBroker broker, String group, String topic)
      throws Exception {
    long end = broker.endOffsets(topic, 1).values().iterator().next();
    Set<Long> windows = new TreeSet<>();
    long read = 0;
    long deadline = System.currentTimeMillis() + 30_000;
    try (KafkaConsumer<String, String> output = WordCountTopics.consumer(broker, group, topic)) {
      while (read < end && System.currentTimeMillis() < deadline) {
        for (var record : output.poll(Duration.ofMillis(200))) {
          read++;
          windows.add(record.timestamp() - record.timestamp() % WordCountTopics.WINDOW_MILLIS);
        }
      }
    }
    assertThat("every count of " + topic + " read within 30 s", read, equalTo(end));
    return windows;
  }

  private PipelineResult start(
      EmbeddedKafkaBroker broker, String name, String interval, String... extraArgs) {
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
                "--windowSeconds=" + WordCountTopics.WINDOW_MILLIS / 1000));
    args.addAll(List.of(extraArgs));
    KafkaWordCount.Options options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .as(KafkaWordCount.Options.class);
    return KafkaWordCount.build(options, broker.bootstrapServers()).run();
  }

  /**
   * The counts written, checked exact, with no value dropped as late on the way (a source's
   * watermark ahead of its records would drop them), and every offset committed.
   */
  private Map<Long, Map<String, Long>> countsAndCommits(
      EmbeddedKafkaBroker broker, String name, boolean panesMayRepeat, PipelineResult result)
      throws Exception {
    Map<Long, Map<String, Long>> counts =
        topics.countsWritten(broker, name + "-counts", panesMayRepeat);
    assertThat("late values dropped", LateValues.droppedPerStep(result), equalTo(Map.of()));
    assertThat("counts written", counts, equalTo(produced));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      Map<TopicPartition, Long> committed = committedOffsets(admin, name);
      assertThat(
          "offsets committed by group "
              + name
              + " "
              + committed
              + ", partitions end at "
              + broker.endOffsets(name + "-lines", WordCountTopics.PARTITIONS),
          committed.values().stream().mapToLong(Long::longValue).sum(),
          equalTo((long) WordCountTopics.LINES));
    }
    return counts;
  }

  /** The offsets the group has committed, per partition, once they stop moving. */
  private static Map<TopicPartition, Long> committedOffsets(Admin admin, String group)
      throws Exception {
    Map<TopicPartition, Long> committed = Map.of();
    long deadline =
        System.currentTimeMillis()
            + 90_000; // the splittable read's idle partitions take turns: slow on a loaded machine
    while (committed.values().stream().mapToLong(Long::longValue).sum() < WordCountTopics.LINES
        && System.currentTimeMillis() < deadline) {
      committed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
      for (Map.Entry<TopicPartition, OffsetAndMetadata> offset :
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        committed.put(offset.getKey(), offset.getValue().offset());
      }
      Thread.sleep(100);
    }
    return committed;
  }

  @Test
  void theLegacyReadCountsEveryWordOfEveryWindowExactly(EmbeddedKafkaBroker broker)
      throws Exception {
    Map<Long, Map<String, Long>> counts = runKafkaWordCount(broker, "legacy");
    assertThat(produced.size(), equalTo(5));
    assertThat(counts, equalTo(produced));
    assertThat(EngineThreads.alive(), equalTo(List.of()));
  }

  @Test
  void theSplittableDoFnReadCountsEveryWordOfEveryWindowExactly(EmbeddedKafkaBroker broker)
      throws Exception {
    Map<Long, Map<String, Long>> counts =
        runKafkaWordCount(broker, "sdf", "--experiments=use_sdf_read");
    assertThat(produced.size(), equalTo(5));
    assertThat(counts, equalTo(produced));
    assertThat(EngineThreads.alive(), equalTo(List.of()));
  }

  @Test
  void theLegacyReadCancelledMidStreamResumesFromItsCheckpointWithExactCounts(
      EmbeddedKafkaBroker broker) throws Exception {
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
    assertThat(
        e.getMessage(),
        equalTo("Kafka topic 'absent' does not exist at " + broker.bootstrapServers()));
  }

  @Test
  void unreachableBootstrapServersAreNamed() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    String servers = "localhost:" + port;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> KafkaWordCount.requireTopics(servers, "lines"));
    assertThat(
        e.getMessage(),
        startsWith("Cannot reach Kafka at " + servers + " (--bootstrapServers) within 15 s"));
  }
}
