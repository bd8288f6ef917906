/**
 * Streaming mode: one {@code *TranslatorStreaming} per Beam primitive, registered in {@link
 * dev.microbatch.runner.translation.streaming.StreamingTranslators}, each turning its transform
 * into engine streams computed micro-batch by micro-batch, with a watermark per PCollection.
 */
package dev.microbatch.runner.translation.streaming;
