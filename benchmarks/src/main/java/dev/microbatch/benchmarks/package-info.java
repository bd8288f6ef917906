/**
 * The benchmark harness: workloads run as whole processes on MicroBatchRunner, Beam's other runners
 * and hand-written programs, and the JMH benchmarks of the engine.
 */
package dev.microbatch.benchmarks;
