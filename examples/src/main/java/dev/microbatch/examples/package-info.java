/**
 * Example pipelines: the word count in batch (a file) and streaming (a socket, Kafka) on Beam, and
 * the same on the engine alone.
 */
package dev.microbatch.examples;
