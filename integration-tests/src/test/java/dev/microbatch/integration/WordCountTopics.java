package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka word count's topics in a test: 100,000 lines of words produced into the input topic,
 * with the true count of every word in every window, and the counts read back from the output
 * topic.
 */
final class WordCountTopics {
  static final int LINES = 100_000;
  static final int PARTITIONS = 3;
  static final long WINDOW_MILLIS = 10_000;

  /** The lines' timestamps: 2026-01-01T00:00:00Z onwards, half a millisecond apart (5 windows). */
  private static final long START = 1_767_225_600_000L;

  private static final List<String> WORDS =
      List.of("to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler");

  /** Per window start, per word: the count of the lines produced. */
  private final Map<Long, Map<String, Long>> produced = new TreeMap<>();

  Map<Long, Map<String, Long>> produced() {
    return produced;
  }

  void produceLines(EmbeddedKafkaBroker broker, String topic) throws Exception {
    broker.createTopic(topic, PARTITIONS);
    Random random = new Random(42);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
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
        sent.add(
            producer.send(new ProducerRecord<>(topic, null, timestamp, null, line.toString())));
      }
    }
    // a line the broker refused is not in the topic: the counts would miss it, through no fault
    // of the job
    for (Future<RecordMetadata> send : sent) {
      send.get();
    }
  }

  static KafkaConsumer<String, String> consumer(
      EmbeddedKafkaBroker broker, String group, String topic) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /**
   * Reads the output topic until it holds a count for every window and word produced. Output is at
   * least once across a restart: a pane emitted before the cancel may be emitted again after it,
   * and must then carry the same count.
   */
  Map<Long, Map<String, Long>> countsWritten(
      EmbeddedKafkaBroker broker, String topic, boolean panesMayRepeat) {
    Map<Long, Map<String, Long>> counts = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer = consumer(broker, "check-" + topic, topic)) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (!sameKeys(counts, produced) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          // the record's timestamp is its window's last millisecond; the value "word: count"
          long window = record.timestamp() - record.timestamp() % WINDOW_MILLIS;
          long count = Long.parseLong(record.value().substring(record.key().length() + 2));
          Long before =
              counts.computeIfAbsent(window, w -> new TreeMap<>()).put(record.key(), count);
          if (before != null && panesMayRepeat) {
            assertThat(
                "a pane emitted again carries the same count: " + record, before, equalTo(count));
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
    return a.entrySet().stream()
        .allMatch(e -> e.getValue().keySet().equals(b.get(e.getKey()).keySet()));
  }
}
