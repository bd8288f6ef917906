/**
 * Beam's coders at the engine's shuffles: how records spill to disk, GroupByKey's values gathered
 * as encoded bytes, GroupByKey's keys, windows and values serialized for the sort shuffle, and
 * Reshuffle's records encoded whole for the sort shuffle.
 */
package dev.microbatch.runner.execution.shuffle;
