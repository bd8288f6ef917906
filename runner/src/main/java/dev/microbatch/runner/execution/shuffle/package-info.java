/**
 * Beam's coders at the engine's shuffles: how records spill to disk, GroupByKey's values gathered
 * as encoded bytes, and GroupByKey's keys, windows and values serialized for the sort shuffle.
 */
package dev.microbatch.runner.execution.shuffle;
