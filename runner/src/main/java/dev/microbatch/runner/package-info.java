/**
 * The Beam runner: {@link dev.microbatch.runner.MicroBatchRunner}, its options and its pipeline
 * result. A pipeline runs with {@code --runner=MicroBatchRunner}.
 */
package dev.microbatch.runner;
