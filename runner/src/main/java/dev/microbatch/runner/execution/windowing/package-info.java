/**
 * Windows and watermarks: window assignment, each PCollection's watermark per batch, and the clocks
 * and holds of a keyed step.
 */
package dev.microbatch.runner.execution.windowing;
