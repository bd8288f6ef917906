package dev.microbatch.engine.shuffle;

import java.util.Arrays;

/**
 * Sorts pairs of a non-negative long key and a non-negative int value by key, then by value, in
 * place: a most significant digit radix sort over the key's bytes, then the value's, that moves
 * each pair straight into its digit's bucket (McIlroy, Bostic and McIlroy's American flag sort).
 * Unlike a least significant digit sort it needs no scratch arrays as large as the pairs, which at
 * a million records a task would be most of the shuffle's memory. Bytes every pair in a bucket
 * shares are skipped. A bucket that fits in the cache, once at most the key's low four bytes are
 * left to sort, is finished by a least significant digit sort of those bytes and the value packed
 * into one long each, in a scratch of at most {@value #SMALL_BUCKET} longs: a most significant
 * digit pass per byte there would cost more in bucket bounds than in pairs. The smallest buckets
 * are finished by insertion.
 *
 * <p>Sorting by value after key makes the order the one a stable sort would give when values grow
 * with insertion, as the sort shuffle's record addresses do.
 */
final class InPlaceRadixSort {
  private static final int KEY_BYTES = Long.BYTES;
  private static final int DIGITS = KEY_BYTES + Integer.BYTES;
  private static final int INSERTION_BELOW = 48;
  private static final int SMALL_BUCKET = 1 << 14;

  private final long[] keys;
  private final int[] values;

  /** One set of bucket bounds per digit, so that a bucket's sort does not allocate. */
  private final int[][] bucketEnds = new int[DIGITS][257];

  private final int[][] bucketNext = new int[DIGITS][256];

  private final long[] packed;
  private final long[] packedScratch;
  private final int[][] packedCounts = new int[Long.BYTES][256];

  private InPlaceRadixSort(long[] keys, int[] values, int n) {
    this.keys = keys;
    this.values = values;
    this.packed = new long[Math.min(n, SMALL_BUCKET)];
    this.packedScratch = new long[packed.length];
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
    new InPlaceRadixSort(keys, values, n).sort(0, n, firstDigit);
  }

  private void sort(int from, int to, int digit) {
    if (to - from < INSERTION_BELOW) {
      insertionSort(from, to);
      return;
    }
    if (to - from <= SMALL_BUCKET && digit >= KEY_BYTES - Integer.BYTES) {
      sortSmallBucket(from, to, digit);
      return;
    }
    int[] ends = bucketEnds[digit];
    int[] next = bucketNext[digit];
    Arrays.fill(ends, 0);
    for (int i = from; i < to; i++) {
      ends[digitOf(i, digit) + 1]++;
    }
    if (ends[digitOf(from, digit) + 1] == to - from) {
      if (digit + 1 < DIGITS) {
        sort(from, to, digit + 1); // every pair has this byte: nothing to move
      }
      return;
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

  /**
   * Sorts a bucket whose pairs share every byte above {@code digit}, which is one of the key's low
   * four or one of the value's: packs each pair's remaining key bytes and its value into one long,
   * sorts those by their bytes from the least significant, skipping bytes every one shares, and
   * unpacks them.
   */
  private void sortSmallBucket(int from, int to, int digit) {
    int n = to - from;
    int keyBits = Math.max(0, KEY_BYTES - digit) * Byte.SIZE;
    long keyMask = (1L << keyBits) - 1;
    long sharedKeyBits = keys[from] & ~keyMask;
    int[][] counts = packedCounts;
    int bytes = Integer.BYTES + keyBits / Byte.SIZE;
    for (int b = 0; b < bytes; b++) {
      Arrays.fill(counts[b], 0);
    }
    for (int i = 0; i < n; i++) {
      long pair = ((keys[from + i] & keyMask) << Integer.SIZE) | values[from + i];
      packed[i] = pair;
      for (int b = 0; b < bytes; b++) {
        counts[b][(int) (pair >>> (b * Byte.SIZE)) & 0xFF]++;
      }
    }
    long[] source = packed;
    long[] target = packedScratch;
    for (int b = 0; b < bytes; b++) {
      int shift = b * Byte.SIZE;
      int[] starts = counts[b];
      if (starts[(int) (source[0] >>> shift) & 0xFF] == n) {
        continue; // every pair has this byte: the pass would not move anything
      }
      int position = 0;
      for (int d = 0; d < 256; d++) {
        int count = starts[d];
        starts[d] = position;
        position += count;
      }
      for (int i = 0; i < n; i++) {
        long pair = source[i];
        target[starts[(int) (pair >>> shift) & 0xFF]++] = pair;
      }
      long[] swap = source;
      source = target;
      target = swap;
    }
    for (int i = 0; i < n; i++) {
      keys[from + i] = sharedKeyBits | (source[i] >>> Integer.SIZE);
      values[from + i] = (int) source[i];
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
      while (j >= from && (keys[j] > key || (keys[j] == key && values[j] > value))) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = key;
      values[j + 1] = value;
    }
  }
}
