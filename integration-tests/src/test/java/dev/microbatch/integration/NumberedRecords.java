package dev.microbatch.integration;

import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Kafka records keyed by their number ("record n"), as the overload and restart tests use them. */
final class NumberedRecords {
  private NumberedRecords() {}

  static ProducerRecord<Long, String> record(String topic, long n) {
    return new ProducerRecord<>(topic, n, "record " + n);
  }

  /** Reads {@code topic} from its start, as (number, text). */
  static PTransform<PBegin, PCollection<KV<Long, String>>> read(
      EmbeddedKafkaBroker broker, String topic) {
    return KafkaIO.<Long, String>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(topic)
        .withKeyDeserializer(LongDeserializer.class)
        .withValueDeserializer(StringDeserializer.class)
        .withConsumerConfigUpdates(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
        .withoutMetadata();
  }
}
