/**
 * How Beam's model runs inside the engine's tasks, by concern. Used by both modes' translators;
 * internal to the runner.
 */
package dev.microbatch.runner.execution;
