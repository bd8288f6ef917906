/**
 * What a running pipeline shows of itself: the console progress line, and the status page with its
 * JSON API (Spark's web UI and Streaming tab).
 */
package dev.microbatch.runner.status;
