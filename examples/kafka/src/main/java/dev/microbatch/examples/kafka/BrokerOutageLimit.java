package dev.microbatch.examples.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * KafkaIO's consumer factory for a read that must not wait for ever: its consumers fail a poll once
 * their polls have found no connection to any broker for {@code limit}. A Kafka consumer never
 * gives up on its own (it reconnects for as long as it lives), so without this a job whose brokers
 * are gone waits silently. The failure reaches the runner as a failing read, which it retries for
 * its --readRetryWindowMillis before it fails the job naming the source; a broker that comes back
 * in time loses nothing.
 */
final class BrokerOutageLimit
    implements SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> {
  private final Duration limit;
  private final String optionName;

  /**
   * @param optionName the option that set {@code limit}, named in the error
   */
  BrokerOutageLimit(Duration limit, String optionName) {
    this.limit = limit;
    this.optionName = optionName;
  }

  @Override
  public Consumer<byte[], byte[]> apply(Map<String, Object> config) {
    Map<String, Object> limited = new HashMap<>(config);
    // the calls other than poll (a reader reopened at its mark asks for positions) wait as long
    limited.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) limit.toMillis());
    return new LimitedConsumer(limited);
  }

  private final class LimitedConsumer extends KafkaConsumer<byte[], byte[]> {
    private final Object servers;
    private long disconnectedSinceNanos;
    private boolean disconnected;

    LimitedConsumer(Map<String, Object> config) {
      super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.servers = config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      return checked(super.poll(timeout));
    }

    /**
     * KafkaIO's UnboundedSource reader calls this one, which with no broker blocks for ever waiting
     * for metadata; the Duration one returns when its time is up.
     */
    @Override
    @Deprecated
    public ConsumerRecords<byte[], byte[]> poll(long timeoutMillis) {
      return poll(Duration.ofMillis(timeoutMillis));
    }

    /** KafkaIO's splittable read asks after every empty poll whether its partition still exists. */
    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
      try {
        return super.partitionsFor(topic);
      } catch (TimeoutException e) {
        throw new KafkaException(unreachable() + ": " + e.getMessage(), e);
      }
    }

    private ConsumerRecords<byte[], byte[]> checked(ConsumerRecords<byte[], byte[]> records) {
      long now = System.nanoTime();
      if (!records.isEmpty() || connections() > 0) {
        disconnected = false;
      } else if (!disconnected) {
        // counted from the first poll that finds no connection: an idle consumer is not down
        disconnected = true;
        disconnectedSinceNanos = now;
      } else if (now - disconnectedSinceNanos > limit.toNanos()) {
        throw new KafkaException(unreachable());
      }
      return records;
    }

    private String unreachable() {
      return "No Kafka broker of "
          + servers
          + " reachable for "
          + limit.toSeconds()
          + " s ("
          + optionName
          + ")";
    }

    private double connections() {
      for (Map.Entry<MetricName, ? extends Metric> metric : metrics().entrySet()) {
        if (metric.getKey().name().equals("connection-count")
            && metric.getKey().group().equals("consumer-metrics")) {
          return ((Number) metric.getValue().metricValue()).doubleValue();
        }
      }
      return 1; // no such metric: cannot tell, so never fail
    }
  }
}
