package dev.microbatch.examples.kafka;

import dev.microbatch.examples.CountWords;
import dev.microbatch.examples.ExampleLogging;
import dev.microbatch.examples.WithStatus;
import dev.microbatch.examples.WordCount;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The word count of the lines in a Kafka topic, per fixed window of the records' timestamps: the
 * same {@link CountWords} composite as {@link WordCount}, reading through KafkaIO and writing one
 * record per word and window to another topic (key: the word, value: {@code word: count},
 * timestamp: the end of the window).
 *
 * <p>With {@code --embeddedBroker} it starts a broker in this JVM and feeds the bundled text into
 * the input topic first, so it runs with no Kafka of one's own.
 */
public class KafkaWordCount {
  private static final java.time.Duration CHECK_TIMEOUT = java.time.Duration.ofSeconds(15);

  /** Options of the Kafka word count. */
  public interface Options extends PipelineOptions, StreamingOptions {
    @Description("Kafka's bootstrap servers (host:port,...); not with --embeddedBroker")
    String getBootstrapServers();

    void setBootstrapServers(String value);

    @Description("Start a Kafka broker in this JVM and feed it the bundled text")
    @Default.Boolean(false)
    boolean isEmbeddedBroker();

    void setEmbeddedBroker(boolean value);

    @Description("Topic to read lines from")
    @Default.String("lines")
    String getInputTopic();

    void setInputTopic(String value);

    @Description("Topic to write the counts to")
    @Default.String("word-counts")
    String getOutputTopic();

    void setOutputTopic(String value);

    @Description(
        "Consumer group whose offsets the job commits once the batch that read them completed")
    @Default.String("microbatch-wordcount")
    String getGroupId();

    void setGroupId(String value);

    @Description("Length of the fixed windows in seconds; at least 1")
    @Default.Integer(10)
    int getWindowSeconds();

    void setWindowSeconds(int value);

    @Description(
        "How long the read's consumers may find no broker reachable before they fail (the runner"
            + " then retries the read for its --readRetryWindowMillis, which must be longer, before"
            + " it fails the job), and the most a write waits for a broker. At least 1")
    @Default.Integer(30)
    int getMaxBrokerOutageSeconds();

    void setMaxBrokerOutageSeconds(int value);
  }

  /** Reads lines from the input topic, counts them per window, writes the counts. */
  public static Pipeline build(Options options, String bootstrapServers) {
    if (options.getWindowSeconds() < 1) {
      throw new IllegalArgumentException(
          "--windowSeconds must be at least 1, but was " + options.getWindowSeconds());
    }
    if (options.getMaxBrokerOutageSeconds() < 1) {
      throw new IllegalArgumentException(
          "--maxBrokerOutageSeconds must be at least 1, but was "
              + options.getMaxBrokerOutageSeconds());
    }
    java.time.Duration outage = java.time.Duration.ofSeconds(options.getMaxBrokerOutageSeconds());
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            "ReadLines",
            KafkaIO.<byte[], String>read()
                .withBootstrapServers(bootstrapServers)
                .withTopic(options.getInputTopic())
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerFactoryFn(new BrokerOutageLimit(outage, "--maxBrokerOutageSeconds"))
                .withConsumerConfigUpdates(
                    Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        options.getGroupId()))
                .commitOffsetsInFinalize()
                // windows follow the records' own timestamps
                .withCreateTime(Duration.ZERO))
        .apply(
            "Lines",
            MapElements.into(TypeDescriptors.strings())
                .via((KafkaRecord<byte[], String> record) -> record.getKV().getValue()))
        .apply(
            "FixedWindows",
            Window.into(FixedWindows.of(Duration.standardSeconds(options.getWindowSeconds()))))
        .apply(new CountWords())
        .apply(
            "Format",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((KV<String, Long> count) -> KV.of(count.getKey(), WordCount.format(count))))
        .apply(
            "WriteCounts",
            KafkaIO.<String, String>write()
                .withBootstrapServers(bootstrapServers)
                .withTopic(options.getOutputTopic())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                // a send waits for a broker at most as long as the read does, not 60 s a record
                .withProducerConfigUpdates(
                    Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, outage.toMillis()))
                .withInputTimestamp());
    return pipeline;
  }

  /**
   * Fails with an error naming them if the brokers cannot be reached or a topic is missing, rather
   * than leaving KafkaIO to wait a minute for metadata.
   */
  public static void requireTopics(String bootstrapServers, String... topics) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis()))) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new IllegalStateException(
            "Cannot reach Kafka at "
                + bootstrapServers
                + " (--bootstrapServers) within "
                + CHECK_TIMEOUT.toSeconds()
                + " s: "
                + e.getMessage(),
            e);
      }
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          throw new IllegalArgumentException(
              "Kafka topic '" + topic + "' does not exist at " + bootstrapServers);
        }
      }
    }
  }

  /** Produces the bundled text's lines into {@code topic}, one record per line. */
  public static int produceBundledText(String bootstrapServers, String topic) throws Exception {
    List<String> lines;
    try (InputStream in = WordCount.class.getResourceAsStream("sonnets.txt")) {
      if (in == null) {
        throw new IOException("the bundled text sonnets.txt is missing from the class path");
      }
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers),
            new StringSerializer(),
            new StringSerializer())) {
      // round robin: a partition without records would hold the watermark back for good
      int partitions = producer.partitionsFor(topic).size();
      for (int i = 0; i < lines.size(); i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, null, lines.get(i)));
      }
    }
    return lines.size();
  }

  public static void main(String[] args) throws Exception {
    ExampleLogging.apply();
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    options.setStreaming(true); // an unbounded input: there is no batch mode for it
    if (options.isEmbeddedBroker() == (options.getBootstrapServers() != null)) {
      throw new IllegalArgumentException(
          "Give either --bootstrapServers=host:port or --embeddedBroker");
    }
    if (!options.isEmbeddedBroker()) {
      requireTopics(
          options.getBootstrapServers(), options.getInputTopic(), options.getOutputTopic());
      WithStatus.run(build(options, options.getBootstrapServers())).waitUntilFinish();
      return;
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      broker.createTopic(options.getInputTopic(), 3);
      broker.createTopic(options.getOutputTopic(), 1);
      int lines = produceBundledText(broker.bootstrapServers(), options.getInputTopic());
      System.out.println(
          "Embedded broker at "
              + broker.bootstrapServers()
              + ": "
              + lines
              + " lines in topic '"
              + options.getInputTopic()
              + "'; counts go to '"
              + options.getOutputTopic()
              + "'");
      PipelineResult result = WithStatus.run(build(options, broker.bootstrapServers()));
      printCounts(broker.bootstrapServers(), options.getOutputTopic(), result);
    }
  }

  /**
   * The demo's view of the output topic: for each window as its counts arrive, its ten most
   * frequent words; until the pipeline ends (Ctrl-C).
   */
  private static void printCounts(String bootstrapServers, String topic, PipelineResult result) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "microbatch-wordcount-printer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      // a window's counts may take a few polls to arrive: it is printed after a poll adds none
      Map<Long, List<ConsumerRecord<String, String>>> arriving = new TreeMap<>();
      while (!result.getState().isTerminal()) {
        Set<Long> grown = new HashSet<>();
        for (ConsumerRecord<String, String> record :
            consumer.poll(java.time.Duration.ofMillis(500))) {
          long end = record.timestamp() + 1;
          arriving.computeIfAbsent(end, t -> new ArrayList<>()).add(record);
          grown.add(end);
        }
        for (Iterator<Map.Entry<Long, List<ConsumerRecord<String, String>>>> windows =
                arriving.entrySet().iterator();
            windows.hasNext(); ) {
          Map.Entry<Long, List<ConsumerRecord<String, String>>> window = windows.next();
          if (!grown.contains(window.getKey())) {
            printWindow(window.getKey(), window.getValue());
            windows.remove();
          }
        }
      }
    }
  }

  /** Prints one window's number of words and its ten most frequent. */
  private static void printWindow(long end, List<ConsumerRecord<String, String>> records) {
    List<String> top =
        records.stream()
            .sorted(Comparator.comparingLong(KafkaWordCount::countOf).reversed())
            .limit(10)
            .map(ConsumerRecord::value)
            .toList();
    System.out.println(
        "Window ending "
            + new Instant(end)
            + ": "
            + records.size()
            + " words; most frequent: "
            + String.join(", ", top));
  }

  private static long countOf(ConsumerRecord<String, String> record) {
    return Long.parseLong(record.value().substring(record.key().length() + 2));
  }
}
