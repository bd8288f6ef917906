package dev.microbatch.engine.scheduler;

/**
 * What a task did, as Spark's stage table shows it.
 *
 * @param recordsRead records its stage's sources or shuffle reads gave it
 * @param recordsWritten records it handed on: to a shuffle, to the driver, or to an action
 */
public record TaskMetrics(long recordsRead, long recordsWritten) {}
