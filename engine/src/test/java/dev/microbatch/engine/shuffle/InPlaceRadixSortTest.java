package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InPlaceRadixSortTest {
  @Test
  void sortsPairsByKeyThenByValueAndEachValueStaysWithItsKey() {
    Random random = new Random(7);
    int n = 200_000;
    long[] keys = new long[n];
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      // a partition in the high half and a hash in the low half, as the sort shuffle's keys are;
      // few hashes, so that many keys are equal and their values decide
      keys[i] =
          ((long) random.nextInt(3) << 32) | (random.nextInt(5_000) * 0x9E3779B1L & 0xFFFFFFFFL);
      values[i] = random.nextInt(Integer.MAX_VALUE);
    }

    assertSortedAsByComparison(keys, values, n);
  }

  @Test
  void sortsOnlyTheFirstNPairs() {
    long[] keys = {9, 3, 7, 1, 0};
    int[] values = {0, 0, 0, 0, 42};

    InPlaceRadixSort.sort(keys, values, 4);

    assertArrayEquals(new long[] {1, 3, 7, 9, 0}, keys);
    assertArrayEquals(new int[] {0, 0, 0, 0, 42}, values);
  }

  @Test
  void equalKeysKeepTheirValuesInOrderWhenValuesGrowWithInsertion() {
    int n = 100_000; // one hot key and a few others, as a skewed shuffle's are
    long[] keys = new long[n];
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      keys[i] = i % 10 == 0 ? i % 7 : 5L << 32 | 12345;
      values[i] = i;
    }

    assertSortedAsByComparison(keys, values, n);
  }

  private static void assertSortedAsByComparison(long[] keys, int[] values, int n) {
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(
        order, Comparator.<Integer>comparingLong(i -> keys[i]).thenComparingInt(i -> values[i]));
    long[] expectedKeys = new long[n];
    int[] expectedValues = new int[n];
    for (int i = 0; i < n; i++) {
      expectedKeys[i] = keys[order[i]];
      expectedValues[i] = values[order[i]];
    }

    InPlaceRadixSort.sort(keys, values, n);

    assertArrayEquals(expectedKeys, keys);
    assertArrayEquals(expectedValues, values);
  }
}
