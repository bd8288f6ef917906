/**
 * How Beam's model runs inside the engine's tasks, by concern. Used by both modes' translators,
 * which give each step what it needs to know of its transform ({@link
 * dev.microbatch.runner.execution.StepEnvironment}, {@link
 * dev.microbatch.runner.execution.StreamingStepEnvironment}); nothing here depends on translation.
 * Internal to the runner.
 */
package dev.microbatch.runner.execution;
