/**
 * The hash shuffle between stages: map outputs bucketed by key (combined on the map side when
 * asked), the memory budget they share, and the spill to disk and merge back when it runs out.
 */
package dev.microbatch.engine.shuffle;
