/** Beam metrics of each step: containers per task and their scope around user code. */
package dev.microbatch.runner.execution.metrics;
