package dev.microbatch.engine.shuffle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A map task's serialized records in memory, as Spark's sort shuffle holds them: each record's key
 * and value bytes appended to large pages, and beside them an index of two longs a record, its sort
 * key (reduce partition, then key hash) and its address in the pages. Sorting moves only the index,
 * and leaves each reduce partition's records a run ordered by key hash. There is no object per
 * record, so the garbage collector has nothing to trace or copy.
 *
 * <p>A record in a page is its key's length, its key, its value's length and its value.
 */
final class SortedRecords {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final int FIRST_PAGE_BYTES = 4 << 10;
  private static final int MAX_PAGE_BYTES = 4 << 20;
  private static final int INDEX_BYTES_PER_SLOT = 2 * Long.BYTES;

  private final int numPartitions;
  private final List<byte[]> pages = new ArrayList<>();
  private byte[] page;
  private int pagePosition;
  private long pageBytes;
  private long[] sortKeys = new long[64];
  private long[] addresses = new long[64];
  private int size;
  private int[] partitionStarts;

  SortedRecords(int numPartitions) {
    this.numPartitions = numPartitions;
  }

  static int partitionOf(int hash, int numPartitions) {
    return Math.floorMod(hash, numPartitions);
  }

  int size() {
    return size;
  }

  /**
   * The bytes this buffer takes: its pages and its index, counted twice while unsorted (a sort
   * needs a scratch index as large).
   */
  long bytes() {
    long indexBytes = (long) sortKeys.length * INDEX_BYTES_PER_SLOT;
    return pageBytes + (partitionStarts == null ? 2 * indexBytes : indexBytes);
  }

  void add(int hash, byte[] key, int keyLength, byte[] value, int valueLength) {
    int length = 2 * Integer.BYTES + keyLength + valueLength;
    if (page == null || page.length - pagePosition < length) {
      newPage(length);
    }
    if (size == sortKeys.length) { // by half again, not double: the index is most of the memory
      sortKeys = Arrays.copyOf(sortKeys, size + (size >> 1));
      addresses = Arrays.copyOf(addresses, size + (size >> 1));
    }
    sortKeys[size] =
        ((long) partitionOf(hash, numPartitions) << Integer.SIZE) | (hash & 0xFFFFFFFFL);
    addresses[size] = ((long) (pages.size() - 1) << Integer.SIZE) | pagePosition;
    size++;
    INT.set(page, pagePosition, keyLength);
    System.arraycopy(key, 0, page, pagePosition + Integer.BYTES, keyLength);
    int valueAt = pagePosition + Integer.BYTES + keyLength;
    INT.set(page, valueAt, valueLength);
    System.arraycopy(value, 0, page, valueAt + Integer.BYTES, valueLength);
    pagePosition += length;
  }

  /**
   * Pages double from 32 KiB to 4 MiB, so that a small task holds little; a large record gets a
   * page of its own.
   */
  private void newPage(int atLeast) {
    int bytes = page == null ? FIRST_PAGE_BYTES : Math.min(page.length * 2, MAX_PAGE_BYTES);
    page = new byte[Math.max(bytes, atLeast)];
    pages.add(page);
    pageBytes += page.length;
    pagePosition = 0;
  }

  /** Sorts the index by reduce partition, then key hash; the records are read only after this. */
  void sort() {
    long[] keysScratch = new long[size];
    long[] addressesScratch = new long[size];
    if (LongPairRadixSort.sort(sortKeys, addresses, keysScratch, addressesScratch, size)) {
      sortKeys = keysScratch;
      addresses = addressesScratch;
    } else {
      sortKeys = Arrays.copyOf(sortKeys, size);
      addresses = Arrays.copyOf(addresses, size);
    }
    partitionStarts = new int[numPartitions + 1];
    for (int i = 0; i < size; i++) {
      partitionStarts[(int) (sortKeys[i] >>> Integer.SIZE) + 1]++;
    }
    for (int p = 0; p < numPartitions; p++) {
      partitionStarts[p + 1] += partitionStarts[p];
    }
  }

  boolean hasRecords(int partition) {
    return partitionStarts[partition + 1] > partitionStarts[partition];
  }

  /** The records of one reduce partition, sorted by key hash. Many cursors may read at once. */
  RecordCursor cursor(int partition) {
    return new Cursor(partitionStarts[partition], partitionStarts[partition + 1]);
  }

  private final class Cursor implements RecordCursor {
    private final int end;
    private int next;
    private byte[] recordPage;
    private int keyLength;
    private int keyOffset;
    private int valueLength;

    Cursor(int start, int end) {
      this.next = start;
      this.end = end;
    }

    @Override
    public boolean next() {
      if (next == end) {
        return false;
      }
      long address = addresses[next++];
      recordPage = pages.get((int) (address >>> Integer.SIZE));
      int at = (int) address;
      keyLength = (int) INT.get(recordPage, at);
      keyOffset = at + Integer.BYTES;
      valueLength = (int) INT.get(recordPage, keyOffset + keyLength);
      return true;
    }

    @Override
    public int hash() {
      return (int) sortKeys[next - 1];
    }

    @Override
    public byte[] keyBytes() {
      return recordPage;
    }

    @Override
    public int keyOffset() {
      return keyOffset;
    }

    @Override
    public int keyLength() {
      return keyLength;
    }

    @Override
    public byte[] valueBytes() {
      return recordPage;
    }

    @Override
    public int valueOffset() {
      return keyOffset + keyLength + Integer.BYTES;
    }

    @Override
    public int valueLength() {
      return valueLength;
    }
  }
}
