/**
 * Keyed state and timers: Beam's in-memory state and timer internals per key, carried from batch to
 * batch in streaming mode, their coders for checkpoints, and the keyed steps built on them
 * (stateful ParDo, GroupAlsoByWindow through ReduceFnRunner).
 */
package dev.microbatch.runner.execution.state;
