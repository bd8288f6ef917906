package dev.microbatch.engine.shuffle;

/**
 * Sorts pairs of longs by the first of each pair, a non-negative key, with a least significant
 * digit radix sort over its bytes, skipping the bytes every key shares (as Spark's RadixSort does).
 * Linear in the number of pairs, and it reads and writes the arrays in order, where a comparison
 * sort of a million records jumps around them.
 */
final class LongPairRadixSort {
  private LongPairRadixSort() {}

  /**
   * Sorts the first {@code n} pairs ({@code keys[i]}, {@code values[i]}) by key; {@code
   * keysScratch} and {@code valuesScratch} hold at least {@code n} each. Returns whether the sorted
   * pairs ended up in the scratch arrays (true) or in the originals (false).
   */
  static boolean sort(long[] keys, long[] values, long[] keysScratch, long[] valuesScratch, int n) {
    long[] fromKeys = keys;
    long[] fromValues = values;
    long[] toKeys = keysScratch;
    long[] toValues = valuesScratch;
    int[][] counts = new int[Long.BYTES][256]; // every byte's digits, in one pass
    for (int i = 0; i < n; i++) {
      long key = keys[i];
      for (int b = 0; b < Long.BYTES; b++) {
        counts[b][(int) (key >>> (b * Byte.SIZE)) & 0xFF]++;
      }
    }
    for (int b = 0; b < Long.BYTES; b++) {
      int shift = b * Byte.SIZE;
      int[] starts = counts[b];
      if (n == 0 || starts[(int) (keys[0] >>> shift) & 0xFF] == n) {
        continue; // every key has this byte: the pass would not move anything
      }
      int position = 0;
      for (int digit = 0; digit < 256; digit++) {
        int count = starts[digit];
        starts[digit] = position;
        position += count;
      }
      for (int i = 0; i < n; i++) {
        int at = starts[(int) (fromKeys[i] >>> shift) & 0xFF]++;
        toKeys[at] = fromKeys[i];
        toValues[at] = fromValues[i];
      }
      long[] swapKeys = fromKeys;
      fromKeys = toKeys;
      toKeys = swapKeys;
      long[] swapValues = fromValues;
      fromValues = toValues;
      toValues = swapValues;
    }
    return fromKeys != keys;
  }
}
