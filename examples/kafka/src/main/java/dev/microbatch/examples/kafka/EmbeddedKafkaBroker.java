package dev.microbatch.examples.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker in this JVM: KRaft mode, broker and controller in one process, on free
 * loopback ports, with a temporary log directory deleted on close. For tests and for
 * KafkaWordCount's {@code --embeddedBroker} demo; a real deployment has its own brokers.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final int NODE_ID = 1;

  private final Path logDir;
  private final KafkaConfig config;
  private final String bootstrapServers;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(Path logDir, KafkaConfig config, String bootstrapServers) {
    this.logDir = logDir;
    this.config = config;
    this.bootstrapServers = bootstrapServers;
  }

  /** Formats a fresh log directory, starts the broker, and waits until it serves requests. */
  public static EmbeddedKafkaBroker start() throws Exception {
    Path logDir = Files.createTempDirectory("microbatch-kafka-");
    int port = freePort();
    int controllerPort = freePort();
    Map<String, String> config = new HashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", String.valueOf(NODE_ID));
    config.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    config.put(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logDir.toString());
    // one node: every internal topic has one replica
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    // keep every record: tests produce records stamped months back, which the default 7-day
    // retention would delete at its first check, five minutes in
    config.put("log.retention.ms", "-1");
    KafkaConfig kafkaConfig = new KafkaConfig(config, false);

    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, kafkaConfig, "localhost:" + port);
    try {
      broker.startAgain();
    } catch (Exception e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** Stops the broker, keeping its ports and its data, as for a broker's restart. */
  public void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts a stopped broker again, on its ports and data, and waits until it serves requests. */
  public void startAgain() throws Exception {
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    }
  }

  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates a topic with {@code partitions} partitions and waits until it exists. */
  /**
   * Creates {@code topic} and returns once the broker leads every partition: the first writes to a
   * partition whose leader is still being elected fail (NOT_LEADER_OR_FOLLOWER), and an idempotent
   * producer then loses its first batches to out-of-order sequence numbers.
   */
  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    // only a partition's leader answers for its end offset; the admin client retries until then
    endOffsets(topic, partitions);
  }

  /** Where each of the first {@code partitions} partitions of {@code topic} ends. */
  public Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    try (Admin admin = admin()) {
      admin
          .listOffsets(latest)
          .all()
          .get(60, TimeUnit.SECONDS)
          .forEach((partition, info) -> ends.put(partition, info.offset()));
    }
    return ends;
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops the broker and deletes its log directory. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(logDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete the broker's log directory " + logDir, e);
    }
  }
}
