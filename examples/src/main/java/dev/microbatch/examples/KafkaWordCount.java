package dev.microbatch.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/**
 * The word count of the lines in a Kafka topic, per fixed window of the records' timestamps:
 * the same {@link CountWords} composite as {@link WordCount}, reading through KafkaIO and
 * writing one record per word and window to another topic (key: the word, value: {@code word:
 * count}, timestamp: the end of the window).
 *
 * <p>With {@code --embeddedBroker} it starts a broker in this JVM and feeds the bundled text into
 * the input topic first, so it runs with no Kafka of one's own.
 */
public class KafkaWordCount {

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
  }

  /** Reads lines from the input topic, counts them per window, writes the counts. */
  static Pipeline build(Options options, String bootstrapServers) {
    if (options.getWindowSeconds() < 1) {
      throw new IllegalArgumentException(
          "--windowSeconds must be at least 1, but was " + options.getWindowSeconds());
    }
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            "ReadLines",
            KafkaIO.<byte[], String>read()
                .withBootstrapServers(bootstrapServers)
                .withTopic(options.getInputTopic())
                .withKeyDeserializer(ByteArrayDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG, options.getGroupId()))
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
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((KV<String, Long> count) -> KV.of(count.getKey(), WordCount.format(count))))
        .apply(
            "WriteCounts",
            KafkaIO.<String, String>write()
                .withBootstrapServers(bootstrapServers)
                .withTopic(options.getOutputTopic())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withInputTimestamp());
    return pipeline;
  }

  /** Produces the bundled text's lines into {@code topic}, one record per line. */
  static int produceBundledText(String bootstrapServers, String topic) throws Exception {
    List<String> lines;
    try (InputStream in = WordCount.class.getResourceAsStream("sonnets.txt")) {
      if (in == null) {
        throw new IOException("the bundled text sonnets.txt is missing from the class path");
      }
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers), new StringSerializer(), new StringSerializer())) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, line));
      }
    }
    return lines.size();
  }

  public static void main(String[] args) throws Exception {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    options.setStreaming(true); // an unbounded input: there is no batch mode for it
    if (options.isEmbeddedBroker() == (options.getBootstrapServers() != null)) {
      throw new IllegalArgumentException("Give either --bootstrapServers=host:port or --embeddedBroker");
    }
    if (!options.isEmbeddedBroker()) {
      build(options, options.getBootstrapServers()).run().waitUntilFinish();
      return;
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      broker.createTopic(options.getInputTopic(), 3);
      broker.createTopic(options.getOutputTopic(), 1);
      int lines = produceBundledText(broker.bootstrapServers(), options.getInputTopic());
      System.out.println(
          "Embedded broker at " + broker.bootstrapServers() + ": " + lines + " lines in topic '"
              + options.getInputTopic() + "'; counts go to '" + options.getOutputTopic() + "'");
      build(options, broker.bootstrapServers()).run().waitUntilFinish();
    }
  }
}
