/**
 * Checkpoints of a streaming job's state, written atomically after batches and read back at start,
 * so a restarted job goes on where the last completed batch left it.
 */
package dev.microbatch.engine.checkpoint;
