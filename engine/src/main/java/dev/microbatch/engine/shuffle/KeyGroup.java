package dev.microbatch.engine.shuffle;

/**
 * One key's records out of a sort shuffle: the key's bytes, and the values' bytes back to back,
 * {@code count} of them, in no particular order.
 */
public record KeyGroup(byte[] key, byte[] values, int count) {}
