package dev.microbatch.engine.shuffle;

import java.util.ArrayList;
import java.util.List;

/**
 * A map task's serialized records in memory, as Spark's sort shuffle holds them: each record's key
 * and value bytes appended to large pages, and beside them an index of one long a record (a {@link
 * SortIndex}): its reduce partition, its key hash and its address in the pages, from the high bits
 * down. Sorting moves only the index, in place, and leaves each reduce partition's records a run
 * ordered by key hash (records of one hash in the order they came). There is no object per record,
 * so the garbage collector has nothing to trace or copy.
 *
 * <p>The partition takes as many bits as the number of partitions needs, and the hash the bits left
 * of its 32, its high ones: keys whose hashes differ only in the bits dropped sort as one hash,
 * which the reduce side tells apart by their bytes, as it does keys of one full hash. Spark's
 * unsafe shuffle packs a record's partition and address into one long the same way (its
 * PackedRecordPointer).
 *
 * <p>A record in a page is its key's length, its key, its value's length and its value, the lengths
 * as unsigned varints. An address is a non-negative int, the page's number in its 9 bits above the
 * record's offset in the low 22: pages hold at most 4 MiB, except that a larger record gets a page
 * of its own, and a buffer holds at most 512 pages ({@link #hasRoomFor}).
 */
final class SortedRecords {
  private static final int OFFSET_BITS = 22;
  private static final int FIRST_PAGE_BYTES = 4 << 10;
  private static final int OFFSET_MASK = (1 << OFFSET_BITS) - 1;

  /**
   * Just under 4 MiB: with its header, a page fills whole G1 regions of 1, 2 or 4 MB. A page of
   * exactly 4 MiB took a second region for its header's 16 bytes, and G1 counts those regions as
   * used.
   */
  private static final int MAX_PAGE_BYTES = (1 << OFFSET_BITS) - 64;

  private static final int ADDRESS_BITS = Integer.SIZE - 1;
  private static final int MAX_PAGES = 1 << (ADDRESS_BITS - OFFSET_BITS);

  /**
   * How many records a cursor touches at once before reading them (see {@code Cursor.touchAhead}),
   * and how far into each it touches: 32 bytes, the two cache lines a small record may straddle.
   */
  private static final int READ_AHEAD = 16;

  private static final int TOUCH_SPAN = 31;

  private final int numPartitions;
  private final int partitionBits;
  private final long hashMask;
  private final int maxPages;
  private final List<byte[]> pages = new ArrayList<>();
  private final SortIndex index = new SortIndex();

  /** Each partition's count of records, summed into where its run starts when sorted. */
  private final int[] partitionStarts;

  private byte[] page;
  private int pagePosition;
  private long pageBytes;

  SortedRecords(int numPartitions) {
    this(numPartitions, MAX_PAGES);
  }

  /** With fewer pages than the addresses allow, to see a buffer fill up in a test. */
  SortedRecords(int numPartitions, int maxPages) {
    this.numPartitions = numPartitions;
    this.partitionBits = Integer.SIZE - Integer.numberOfLeadingZeros(numPartitions - 1);
    this.hashMask = (1L << (Integer.SIZE - partitionBits)) - 1;
    this.maxPages = maxPages;
    this.partitionStarts = new int[numPartitions + 1];
  }

  static int partitionOf(int hash, int numPartitions) {
    return Math.floorMod(hash, numPartitions);
  }

  int size() {
    return index.size();
  }

  /** The bytes this buffer takes: its pages and its index. */
  long bytes() {
    return pageBytes + index.bytes();
  }

  /**
   * Whether a record of these lengths fits: false once the pages an address can name are used up,
   * and the writer must spill first.
   */
  boolean hasRoomFor(int keyLength, int valueLength) {
    return pages.size() < maxPages
        || page.length - pagePosition >= recordLength(keyLength, valueLength);
  }

  void add(int hash, byte[] key, int keyLength, byte[] value, int valueLength) {
    int length = recordLength(keyLength, valueLength);
    if (page == null || page.length - pagePosition < length) {
      newPage(length);
    }
    int partition = partitionOf(hash, numPartitions);
    int address = ((pages.size() - 1) << OFFSET_BITS) | pagePosition;
    index.add(
        (long) partition << (Long.SIZE - 1 - partitionBits)
            | ((hash >>> partitionBits) & hashMask) << ADDRESS_BITS
            | address);
    partitionStarts[partition + 1]++;
    int at = writeVarint(page, pagePosition, keyLength);
    System.arraycopy(key, 0, page, at, keyLength);
    at = writeVarint(page, at + keyLength, valueLength);
    System.arraycopy(value, 0, page, at, valueLength);
    pagePosition = at + valueLength;
  }

  /** The address in the low bits of an index entry. */
  private static int addressOf(long entry) {
    return (int) entry & Integer.MAX_VALUE;
  }

  private static int recordLength(int keyLength, int valueLength) {
    return varintLength(keyLength) + keyLength + varintLength(valueLength) + valueLength;
  }

  /**
   * Pages double from 4 KiB to 4 MiB, so that a small task holds little; a larger record gets a
   * page of exactly its length, which nothing else shares, so that every offset fits its 22 bits.
   */
  private void newPage(int atLeast) {
    if (pages.size() == maxPages) {
      throw new IllegalStateException("A sort shuffle buffer is full: " + maxPages + " pages");
    }
    int bytes = page == null ? FIRST_PAGE_BYTES : Math.min(page.length * 2, MAX_PAGE_BYTES);
    page = new byte[Math.max(bytes, atLeast)];
    pages.add(page);
    pageBytes += page.length;
    pagePosition = 0;
  }

  private static int varintLength(int value) {
    return (Integer.SIZE - Integer.numberOfLeadingZeros(value | 1) + 6) / 7;
  }

  /** Writes a non-negative int 7 bits a byte, low bits first; returns the offset after it. */
  private static int writeVarint(byte[] bytes, int at, int value) {
    while ((value & ~0x7F) != 0) {
      bytes[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes[at++] = (byte) value;
    return at;
  }

  /** Reads what {@link #writeVarint} wrote at {@code at}. */
  private static int readVarint(byte[] bytes, int at) {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[at++];
      value |= (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  /**
   * Sorts the index by reduce partition, then key hash; the records are read only after this, and
   * none is added.
   */
  void sort() {
    InPlaceRadixSort.sort(index);
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
    private int valueOffset;
    private int hash;

    /** The index's entries from {@code aheadFrom} on, copied when they were touched. */
    private final long[] ahead = new long[READ_AHEAD];

    private int aheadFrom;
    private int touchedUpTo;

    /** What the touched bytes add up to: kept, so that the reads that make it are not dropped. */
    private int touched;

    Cursor(int start, int end) {
      this.next = start;
      this.end = end;
      this.touchedUpTo = start;
    }

    @Override
    public boolean next() {
      if (next == end) {
        return false;
      }
      if (next == touchedUpTo) {
        touchAhead();
      }
      long entry = ahead[next++ - aheadFrom];
      hash = (int) ((entry >>> ADDRESS_BITS) & hashMask);
      int address = addressOf(entry);
      recordPage = pages.get(address >>> OFFSET_BITS);
      int at = address & OFFSET_MASK;
      keyLength = readVarint(recordPage, at);
      keyOffset = at + varintLength(keyLength);
      valueLength = readVarint(recordPage, keyOffset + keyLength);
      valueOffset = keyOffset + keyLength + varintLength(valueLength);
      return true;
    }

    /**
     * Reads a byte at the start and at the 32nd byte of each of the next records, in a loop that
     * does nothing else: records sorted by key hash lie at random in the pages, so each is a cache
     * miss, and misses issued together are waited for together. Waiting for each at the record's
     * own read took 68% of B2-many-keys' merge; touched ahead, the merge takes about half the CPU.
     */
    private void touchAhead() {
      aheadFrom = next;
      touchedUpTo = Math.min(end, next + READ_AHEAD);
      index.copyTo(aheadFrom, ahead, touchedUpTo - aheadFrom);
      for (int i = 0; i < touchedUpTo - aheadFrom; i++) {
        int address = addressOf(ahead[i]);
        byte[] in = pages.get(address >>> OFFSET_BITS);
        int at = address & OFFSET_MASK;
        touched += in[at] + in[Math.min(at + TOUCH_SPAN, in.length - 1)];
      }
    }

    @Override
    public int hash() {
      return hash;
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
      return valueOffset;
    }

    @Override
    public int valueLength() {
      return valueLength;
    }
  }
}
