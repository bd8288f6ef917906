package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SortIndexTest {
  @Test
  void entriesPastTheFirstChunksReadBackWhereTheyWereAddedAndSet() {
    SortIndex index = new SortIndex();
    int n = SortIndex.CHUNK * 3 + 5;
    for (int i = 0; i < n; i++) {
      index.add(i * 3L);
    }
    index.set(SortIndex.CHUNK, -1);

    assertEquals(n, index.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i == SortIndex.CHUNK ? -1 : i * 3L, index.get(i), "entry " + i);
    }
  }

  @Test
  void aSmallIndexTakesLittleAndALargeOneItsChunksOnly() {
    SortIndex index = new SortIndex();
    for (int i = 0; i < 100; i++) {
      index.add(i);
    }
    assertEquals(144 * Long.BYTES, index.bytes()); // 64, then half again twice

    for (int i = 100; i < SortIndex.CHUNK + 1; i++) {
      index.add(i);
    }
    assertEquals(2L * SortIndex.CHUNK * Long.BYTES, index.bytes());
  }
}
