/**
 * The streaming word count over Kafka topics (KafkaIO), the single-node broker its {@code
 * --embeddedBroker} option starts in the JVM, and the limit on how long the broker may be away.
 */
package dev.microbatch.examples.kafka;
