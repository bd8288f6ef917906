/**
 * Beam's coders at the engine's shuffle: how records spill to disk, and GroupByKey's values
 * gathered as encoded bytes.
 */
package dev.microbatch.runner.execution.shuffle;
