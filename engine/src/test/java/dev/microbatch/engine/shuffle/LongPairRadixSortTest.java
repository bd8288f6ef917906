package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongPairRadixSortTest {
  @Test
  void sortsPairsByTheirNonNegativeKeysAndEachValueStaysWithItsKey() {
    Random random = new Random(7);
    int n = 100_000;
    long[] keys = new long[n];
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      // a partition in the high half and a hash in the low half, as the sort shuffle's keys are
      keys[i] = ((long) random.nextInt(3) << 32) | (random.nextInt() & 0xFFFFFFFFL);
      values[i] = keys[i] * 31 + 7;
    }
    long[] expected = keys.clone();
    Arrays.sort(expected);

    long[] keysScratch = new long[n];
    long[] valuesScratch = new long[n];
    boolean inScratch = LongPairRadixSort.sort(keys, values, keysScratch, valuesScratch, n);
    long[] sortedKeys = inScratch ? keysScratch : keys;
    long[] sortedValues = inScratch ? valuesScratch : values;

    assertArrayEquals(expected, sortedKeys);
    for (int i = 0; i < n; i++) {
      if (sortedValues[i] != sortedKeys[i] * 31 + 7) {
        throw new AssertionError("value at " + i + " left its key");
      }
    }
  }

  @Test
  void keysThatShareEveryByteAreLeftInPlace() {
    long[] keys = {5, 5, 5};
    long[] values = {1, 2, 3};

    boolean inScratch = LongPairRadixSort.sort(keys, values, new long[3], new long[3], 3);

    assertArrayEquals(new long[] {1, 2, 3}, inScratch ? null : values);
  }
}
