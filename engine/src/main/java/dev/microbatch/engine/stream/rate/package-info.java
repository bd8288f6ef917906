/**
 * Rate control (Spark Streaming's backpressure): a PID estimator of the rate the job can take, and
 * the controller that turns it into each batch's record budget.
 */
package dev.microbatch.engine.stream.rate;
