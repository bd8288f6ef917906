/**
 * Batch mode (bounded pipelines): one {@code *TranslatorBatch} per Beam primitive, registered in
 * {@link dev.microbatch.runner.translation.batch.BatchTranslators}, each turning its transform into
 * engine datasets; the whole pipeline then runs as one pass.
 */
package dev.microbatch.runner.translation.batch;
