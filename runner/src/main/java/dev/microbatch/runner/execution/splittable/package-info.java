/**
 * Splittable DoFns: restrictions processed through runners-core's ProcessFn with checkpoints, a
 * per-batch record budget shared by restrictions, and idle restrictions set aside.
 */
package dev.microbatch.runner.execution.splittable;
