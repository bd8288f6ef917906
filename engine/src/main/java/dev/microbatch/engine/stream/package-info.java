/**
 * Streams cut into micro-batches (Spark Streaming's DStreams): one dataset per batch interval,
 * input streams, windowed and stateful streams, and the context that ticks the batches.
 */
package dev.microbatch.engine.stream;
