/**
 * Example pipelines: the word count in batch (a file) and streaming (a socket) on Beam, and the
 * same on the engine alone. The Kafka word count is in {@code examples/kafka}, the SQL one in
 * {@code examples/sql}.
 */
package dev.microbatch.examples;
