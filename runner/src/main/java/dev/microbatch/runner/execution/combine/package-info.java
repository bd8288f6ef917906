/**
 * Combine.PerKey lifted into the shuffle (map-side combining) and, in streaming mode, merged into
 * per-key, per-window accumulators that fire one pane per window.
 */
package dev.microbatch.runner.execution.combine;
