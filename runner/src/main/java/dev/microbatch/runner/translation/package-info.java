/**
 * Translation of Beam pipelines onto the engine, in batch and in streaming mode, and the execution
 * of Beam's model inside the engine's tasks (DoFns, state and timers, side inputs, combines,
 * splittable DoFns, sources, metrics).
 */
package dev.microbatch.runner.translation;
