/**
 * Sources: bounded reads split and rebalanced across tasks, bounded data and Impulse in streaming
 * mode, unbounded sources pulled batch by batch with checkpoints and retries, and TestStream.
 */
package dev.microbatch.runner.execution.source;
