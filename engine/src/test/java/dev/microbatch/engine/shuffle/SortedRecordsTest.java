package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SortedRecordsTest {
  @Test
  void recordsOfEveryLengthReadBackWithTheirKeysAndValuesAndKeysOfOneHashInTheOrderAdded() {
    SortedRecords records = new SortedRecords(1);
    // lengths on both sides of each varint byte, and one past a page's 4 MiB
    int[] lengths = {0, 1, 127, 128, 300, 16_383, 16_384, 70_000, (4 << 20) + 5, 3};
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      byte[] key = filled(lengths[lengths.length - 1 - i], (byte) i);
      byte[] value = filled(lengths[i], (byte) -i);
      keys.add(key);
      values.add(value);
      records.add(42, key, key.length, value, value.length); // one hash: the order added stays
    }
    records.sort();

    RecordCursor cursor = records.cursor(0);
    for (int i = 0; i < lengths.length; i++) {
      assertTrue(cursor.next());
      assertEquals(42, cursor.hash());
      assertArrayEquals(
          keys.get(i), slice(cursor.keyBytes(), cursor.keyOffset(), cursor.keyLength()));
      assertArrayEquals(
          values.get(i), slice(cursor.valueBytes(), cursor.valueOffset(), cursor.valueLength()));
    }
    assertFalse(cursor.next());
  }

  @Test
  void hashesThatDifferOnlyInTheBitsThePartitionTakesReadBackAsOneHashInTheOrderAdded() {
    SortedRecords records = new SortedRecords(3); // two bits of partition: 30 of hash are kept
    byte[] a = {'a'};
    byte[] b = {'b'};
    records.add(0b1_0000_0000, a, 1, new byte[] {1}, 1);
    records.add(0b1_0000_0011, b, 1, new byte[] {2}, 1); // 259 and 256 are both of partition 1
    records.add(0b1_0000_0000, a, 1, new byte[] {3}, 1);
    records.add(0b0_1111_1101, a, 1, new byte[] {4}, 1); // 253: partition 1 too, a lower hash
    records.sort();

    assertFalse(records.cursor(0).next());
    RecordCursor cursor = records.cursor(1);
    List<String> read = new ArrayList<>();
    while (cursor.next()) {
      read.add(cursor.hash() + ":" + cursor.valueBytes()[cursor.valueOffset()]);
    }
    assertEquals(List.of("63:4", "64:1", "64:2", "64:3"), read);
  }

  @Test
  void aBufferWhosePagesAreUsedUpHasNoRoomForARecordItsLastPageCannotTake() {
    SortedRecords records = new SortedRecords(1, 2);
    byte[] bytes = new byte[1000];
    records.add(1, bytes, 1000, bytes, 1000); // the first page, of 4 KiB: 2,004 bytes taken
    records.add(1, bytes, 1000, bytes, 1000);
    assertTrue(records.hasRoomFor(1000, 1000)); // the second page, of 8 KiB
    for (int i = 0; i < 4; i++) {
      records.add(1, bytes, 1000, bytes, 1000);
    }

    assertTrue(records.hasRoomFor(10, 10));
    assertFalse(records.hasRoomFor(1000, 1000));
  }

  private static byte[] filled(int length, byte b) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, b);
    return bytes;
  }

  private static byte[] slice(byte[] bytes, int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }
}
