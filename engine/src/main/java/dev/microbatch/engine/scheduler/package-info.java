/**
 * Jobs, stages and tasks (Spark's DAGScheduler and TaskScheduler in one): a job's datasets are cut
 * into stages at shuffles, each stage runs one task per partition, and listeners hear the progress.
 */
package dev.microbatch.engine.scheduler;
