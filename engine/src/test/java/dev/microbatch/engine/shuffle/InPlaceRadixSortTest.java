package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InPlaceRadixSortTest {
  @Test
  void sortsEntriesOfManyChunksAsArraysSortWould() {
    Random random = new Random(7);
    long[] entries = new long[SortIndex.CHUNK * 2 + 12_345];
    for (int i = 0; i < entries.length; i++) {
      // a partition in the high bits, then a hash, then an address, as the sort shuffle's are; few
      // hashes, so that many entries share one and their addresses decide
      entries[i] =
          (long) random.nextInt(3) << 61
              | (random.nextInt(5_000) * 0x9E3779B1L & 0x3FFFFFFFL) << 31
              | random.nextInt(Integer.MAX_VALUE);
    }

    assertSortedAsArraysSortWould(entries);
  }

  @Test
  void sortsIndexesOfEverySizeAroundTheSortsThresholds() {
    Random random = new Random(11);
    for (int n : new int[] {0, 1, 2, 47, 48, 49, 65_536, 65_537, 200_000}) {
      long[] entries = new long[n];
      Arrays.setAll(entries, i -> random.nextLong() >>> 1);

      assertSortedAsArraysSortWould(entries);
    }
  }

  @Test
  void entriesOfOneHotHashKeepTheOrderOfTheirAddresses() {
    long[] entries = new long[100_000]; // one hot key and a few others, as a skewed shuffle's are
    for (int i = 0; i < entries.length; i++) {
      entries[i] = (i % 10 == 0 ? i % 7 : 12_345L) << 31 | i;
    }

    assertSortedAsArraysSortWould(entries);
  }

  private static void assertSortedAsArraysSortWould(long[] entries) {
    SortIndex index = new SortIndex();
    for (long entry : entries) {
      index.add(entry);
    }
    long[] expected = entries.clone();
    Arrays.sort(expected);

    InPlaceRadixSort.sort(index);

    long[] sorted = new long[index.size()];
    Arrays.setAll(sorted, index::get);
    assertArrayEquals(expected, sorted);
  }
}
