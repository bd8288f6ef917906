package dev.microbatch.engine.shuffle;

import java.util.Arrays;

/**
 * Sorts pairs of a non-negative long key and an int value by key, then by value, in place: a most
 * significant digit radix sort over the key's bytes, then the value's, that moves each pair
 * straight into its digit's bucket (McIlroy, Bostic and McIlroy's American flag sort). Unlike a
 * least significant digit sort it needs no scratch arrays as large as the pairs, which at a million
 * records a task would be most of the shuffle's memory. Bytes every key shares are skipped, and
 * small buckets are finished by insertion.
 *
 * <p>Values compare as unsigned. Sorting by value after key makes the order the one a stable sort
 * would give when values grow with insertion, as the sort shuffle's record addresses do.
 */
final class InPlaceRadixSort {
  private static final int KEY_BYTES = Long.BYTES;
  private static final int DIGITS = KEY_BYTES + Integer.BYTES;
  private static final int INSERTION_BELOW = 48;

  private final long[] keys;
  private final int[] values;

  /** One set of bucket bounds per digit, so that a bucket's sort does not allocate. */
  private final int[][] bucketEnds = new int[DIGITS][257];

  private final int[][] bucketNext = new int[DIGITS][256];

  private InPlaceRadixSort(long[] keys, int[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** Sorts the first {@code n} pairs ({@code keys[i]}, {@code values[i]}). */
  static void sort(long[] keys, int[] values, int n) {
    if (n < 2) {
      return;
    }
    long differing = 0;
    for (int i = 1; i < n; i++) {
      differing |= keys[i] ^ keys[0];
    }
    // digits count from the key's most significant byte (0) to the value's least (11)
    int firstDigit = differing == 0 ? KEY_BYTES : Long.numberOfLeadingZeros(differing) / Byte.SIZE;
    new InPlaceRadixSort(keys, values).sort(0, n, firstDigit);
  }

  private void sort(int from, int to, int digit) {
    if (to - from < INSERTION_BELOW) {
      insertionSort(from, to);
      return;
    }
    int[] ends = bucketEnds[digit];
    int[] next = bucketNext[digit];
    Arrays.fill(ends, 0);
    for (int i = from; i < to; i++) {
      ends[digitOf(i, digit) + 1]++;
    }
    ends[0] = from;
    for (int d = 0; d < 256; d++) {
      ends[d + 1] += ends[d];
      next[d] = ends[d];
    }
    for (int d = 0; d < 256; d++) {
      while (next[d] < ends[d + 1]) {
        // carry the pair at next[d] to its bucket, and the one there on, until one belongs here
        long key = keys[next[d]];
        int value = values[next[d]];
        int belongs = digitOf(key, value, digit);
        while (belongs != d) {
          int at = next[belongs]++;
          long displacedKey = keys[at];
          int displacedValue = values[at];
          keys[at] = key;
          values[at] = value;
          key = displacedKey;
          value = displacedValue;
          belongs = digitOf(key, value, digit);
        }
        keys[next[d]] = key;
        values[next[d]] = value;
        next[d]++;
      }
    }
    if (digit + 1 < DIGITS) {
      for (int d = 0; d < 256; d++) {
        if (ends[d + 1] - ends[d] > 1) {
          sort(ends[d], ends[d + 1], digit + 1);
        }
      }
    }
  }

  private int digitOf(int i, int digit) {
    return digitOf(keys[i], values[i], digit);
  }

  private static int digitOf(long key, int value, int digit) {
    return digit < KEY_BYTES
        ? (int) (key >>> ((KEY_BYTES - 1 - digit) * Byte.SIZE)) & 0xFF
        : (value >>> ((DIGITS - 1 - digit) * Byte.SIZE)) & 0xFF;
  }

  private void insertionSort(int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long key = keys[i];
      int value = values[i];
      int j = i - 1;
      while (j >= from
          && (keys[j] > key || (keys[j] == key && Integer.compareUnsigned(values[j], value) > 0))) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = key;
      values[j + 1] = value;
    }
  }
}
