package dev.microbatch.engine.shuffle;

import java.util.Arrays;

/**
 * The sort shuffle's index: one long a record, in chunks. The first chunk grows by half again at a
 * time, as a list does, up to {@link #CHUNK} entries; past that, each next chunk is made at that
 * size and no chunk is copied again. An index grown as one array would allocate three times its
 * final size on the way and hold one and two thirds of it at the last copy, all of it in objects
 * the garbage collector allocates as humongous; in B2's GroupByKey that set off a young collection
 * at each allocation and made G1 double the heap.
 */
final class SortIndex {
  /**
   * Entries a chunk holds: just under 4 MiB with the array's header, which fills whole G1 regions
   * of 1, 2 or 4 MB, as the pages do.
   */
  static final int CHUNK = ((4 << 20) - 64) / Long.BYTES;

  private static final int FIRST_CHUNK = 64;

  private long[][] chunks = {new long[FIRST_CHUNK]};
  private long[] last = chunks[0];
  private int lastSize;

  int size() {
    return (chunks.length - 1) * CHUNK + lastSize;
  }

  /** The bytes the chunks take. */
  long bytes() {
    return ((long) (chunks.length - 1) * CHUNK + last.length) * Long.BYTES;
  }

  void add(long entry) {
    if (lastSize == last.length) {
      if (lastSize < CHUNK) {
        last = chunks[0] = Arrays.copyOf(last, Math.min(CHUNK, lastSize + (lastSize >> 1)));
      } else {
        chunks = Arrays.copyOf(chunks, chunks.length + 1);
        last = chunks[chunks.length - 1] = new long[CHUNK];
        lastSize = 0;
      }
    }
    last[lastSize++] = entry;
  }

  long get(int i) {
    return chunks[i / CHUNK][i % CHUNK];
  }

  void set(int i, long entry) {
    chunks[i / CHUNK][i % CHUNK] = entry;
  }

  /** Copies {@code n} entries from {@code from} on into {@code to}: faster than each by itself. */
  void copyTo(int from, long[] to, int n) {
    copy(from, to, n, true);
  }

  /** Copies {@code n} entries of {@code from} into the index, from {@code to} on. */
  void copyFrom(long[] from, int to, int n) {
    copy(to, from, n, false);
  }

  /**
   * Copies {@code n} entries between the index from {@code at} on and {@code array}, chunk by
   * chunk.
   */
  private void copy(int at, long[] array, int n, boolean intoArray) {
    for (int copied = 0; copied < n; ) {
      int i = at + copied;
      long[] chunk = chunks[i / CHUNK];
      int inChunk = i % CHUNK;
      int length = Math.min(n - copied, CHUNK - inChunk);
      if (intoArray) {
        System.arraycopy(chunk, inChunk, array, copied, length);
      } else {
        System.arraycopy(array, copied, chunk, inChunk, length);
      }
      copied += length;
    }
  }
}
