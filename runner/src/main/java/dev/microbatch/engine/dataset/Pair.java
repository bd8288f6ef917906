package dev.microbatch.engine.dataset;

/** A key and a value: the records a shuffle produces. */
public record Pair<K, V>(K key, V value) {}
