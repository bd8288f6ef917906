/**
 * The shuffles between stages and the memory budget they share. The hash shuffle buckets map
 * outputs by key as objects (combined on the map side when asked), spilling to disk and merging
 * back when memory runs out. The sort shuffle holds records serialized in pages, sorted by reduce
 * partition and key hash, spills sorted runs, and merges them on the reduce side with no table of
 * keys.
 */
package dev.microbatch.engine.shuffle;
