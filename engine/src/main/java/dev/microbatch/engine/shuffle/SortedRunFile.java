package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.scheduler.TaskContext;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorted records of a sort shuffle spilled to disk: for each reduce partition a segment of its
 * records in key-hash order, each its key hash, key length, key, value length and value. The file
 * is deleted once nothing refers to it any more.
 */
final class SortedRunFile {

  private final Path path;
  private final long[] offsets;

  private SortedRunFile(Path path, long[] offsets) {
    this.path = path;
    this.offsets = offsets;
    SpillSegments.deleteWhenUnreachable(this, path);
  }

  /** Writes {@code records}, sorted already, to {@code path}. */
  static SortedRunFile write(Path path, SortedRecords records, int numPartitions) {
    long[] offsets = new long[numPartitions + 1];
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
      long position = 0; // not out.size(), an int that stops at 2 GB
      for (int partition = 0; partition < numPartitions; partition++) {
        offsets[partition] = position;
        RecordCursor cursor = records.cursor(partition);
        while (cursor.next()) {
          position += writeRecord(cursor, out);
        }
      }
      offsets[numPartitions] = position;
    } catch (IOException e) {
      path.toFile().delete();
      throw new UncheckedIOException(
          "Cannot spill shuffle records to " + path + ": " + e.getMessage(), e);
    }
    return new SortedRunFile(path, offsets);
  }

  /**
   * Merges sorted runs into one file at {@code path}, partition by partition, in key-hash order: a
   * map task that spilled many times leaves one file, so a reduce task does not hold one open per
   * spill.
   */
  static SortedRunFile merge(
      Path path, List<SortedRunFile> runs, int numPartitions, TaskContext task) {
    long[] offsets = new long[numPartitions + 1];
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
      long position = 0;
      for (int partition = 0; partition < numPartitions; partition++) {
        offsets[partition] = position;
        PriorityQueue<RecordCursor> heads =
            new PriorityQueue<>((a, b) -> Integer.compareUnsigned(a.hash(), b.hash()));
        for (SortedRunFile run : runs) {
          if (run.hasRecords(partition)) {
            RecordCursor cursor = run.cursor(partition, task);
            cursor.next();
            heads.add(cursor);
          }
        }
        while (!heads.isEmpty()) {
          RecordCursor cursor = heads.poll();
          position += writeRecord(cursor, out);
          if (cursor.next()) {
            heads.add(cursor);
          }
        }
      }
      offsets[numPartitions] = position;
    } catch (IOException e) {
      path.toFile().delete();
      throw new UncheckedIOException(
          "Cannot merge spilled shuffle records into " + path + ": " + e.getMessage(), e);
    }
    return new SortedRunFile(path, offsets);
  }

  /** Writes the cursor's record; how many bytes that took. */
  private static long writeRecord(RecordCursor cursor, DataOutputStream out) throws IOException {
    out.writeInt(cursor.hash());
    out.writeInt(cursor.keyLength());
    out.write(cursor.keyBytes(), cursor.keyOffset(), cursor.keyLength());
    out.writeInt(cursor.valueLength());
    out.write(cursor.valueBytes(), cursor.valueOffset(), cursor.valueLength());
    return 3 * Integer.BYTES + cursor.keyLength() + cursor.valueLength();
  }

  long sizeBytes() {
    return offsets[offsets.length - 1];
  }

  boolean hasRecords(int partition) {
    return offsets[partition + 1] > offsets[partition];
  }

  /**
   * The records of one reduce partition; the file is open until they are read or {@code task} ends.
   */
  RecordCursor cursor(int partition, TaskContext task) {
    DataInputStream in = SpillSegments.open(path, offsets[partition]);
    task.onCompletion(() -> SpillSegments.closeQuietly(in));
    return new FileCursor(in, offsets[partition + 1] - offsets[partition]);
  }

  /** Reads a segment into one buffer a record, reused. */
  private final class FileCursor implements RecordCursor {
    private final DataInputStream in;
    private long left;
    private byte[] buffer = new byte[64];
    private int hash;
    private int keyLength;
    private int valueLength;

    FileCursor(DataInputStream in, long bytes) {
      this.in = in;
      this.left = bytes;
    }

    @Override
    public boolean next() {
      if (left == 0) {
        return false;
      }
      try {
        hash = in.readInt();
        keyLength = in.readInt();
        ensure(keyLength);
        in.readFully(buffer, 0, keyLength);
        valueLength = in.readInt();
        ensure(keyLength + valueLength);
        in.readFully(buffer, keyLength, valueLength);
        left -= 3 * Integer.BYTES + keyLength + valueLength;
        if (left == 0) {
          in.close();
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read shuffle records spilled to " + path + ": " + e.getMessage(), e);
      }
    }

    private void ensure(int bytes) {
      if (buffer.length < bytes) {
        buffer = java.util.Arrays.copyOf(buffer, Math.max(bytes, buffer.length * 2));
      }
    }

    @Override
    public int hash() {
      return hash;
    }

    @Override
    public byte[] keyBytes() {
      return buffer;
    }

    @Override
    public int keyOffset() {
      return 0;
    }

    @Override
    public int keyLength() {
      return keyLength;
    }

    @Override
    public byte[] valueBytes() {
      return buffer;
    }

    @Override
    public int valueOffset() {
      return keyLength;
    }

    @Override
    public int valueLength() {
      return valueLength;
    }
  }
}
