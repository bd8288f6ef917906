package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.scheduler.TaskContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The map side of a sort shuffle, for one task: serializes each record into {@link SortedRecords},
 * counting exactly the bytes they take against the task's {@link TaskMemory}; when no more is
 * granted, or the buffer is full, sorts them and spills them to a {@link SortedRunFile}. Finishing
 * sorts what is left in memory and hands it, with the spills, to the shuffle's output.
 */
public final class SortShuffleWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(SortShuffleWriter.class);

  /** Past this many spills a task merges them, so that a reduce task reads few files at once. */
  private static final int MAX_SPILLS = 16;

  private final RecordSerializer<T> serializer;
  private final SortShuffleOutput output;
  private final ShuffleMemory memory;
  private final TaskMemory taskMemory;
  private final TaskContext task;
  private final Bytes key = new Bytes();
  private final Bytes value = new Bytes();
  private final List<SortedRunFile> spills = new ArrayList<>();
  private SortedRecords records;

  public SortShuffleWriter(
      RecordSerializer<T> serializer,
      SortShuffleOutput output,
      ShuffleMemory memory,
      int parallelism,
      TaskContext task) {
    this.serializer = serializer;
    this.output = output;
    this.memory = memory;
    this.taskMemory = new TaskMemory(memory, parallelism);
    this.task = task;
    this.records = new SortedRecords(output.numReducePartitions());
  }

  public void add(T record) {
    key.reset();
    value.reset();
    try {
      serializer.writeKey(record, key);
      serializer.writeValue(record, value);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize a record for a shuffle", e);
    }
    if (!records.hasRoomFor(key.size(), value.size())) {
      spill();
    }
    records.add(key.hash(), key.bytes(), key.size(), value.bytes(), value.size());
    if (!taskMemory.makeRoom(records.bytes())) {
      spill();
    }
  }

  /**
   * Hands what is left in memory, sorted, and the spills, to the shuffle's output; the memory it
   * takes stays reserved until the job ends or another task reclaims it.
   */
  public void finish(int mapPartition) {
    if (spills.size() > MAX_SPILLS) {
      mergeSpills();
    }
    SortedRecords kept = records.size() > 0 ? records : null;
    if (kept != null) {
      kept.sort();
    }
    output.write(mapPartition, new SortShuffleOutput.MapOutput(kept, List.copyOf(spills)));
    taskMemory.trimTo(kept == null ? 0 : kept.bytes());
    taskMemory.holdUntilJobEnds(() -> output.spillToDisk(mapPartition, memory), task);
    if (!spills.isEmpty()) {
      LOG.info(
          "Task {} spilled its shuffle output to disk {} times: {} KB",
          task.partition(),
          spills.size(),
          spills.stream().mapToLong(SortedRunFile::sizeBytes).sum() >> 10);
    }
  }

  /** Frees the memory still reserved: all of it if the task failed before {@link #finish}. */
  public void releaseReserved() {
    taskMemory.releaseAll();
  }

  /** Merges the spills, and what is in memory, into one file. */
  private void mergeSpills() {
    if (records.size() > 0) {
      spill();
    }
    long spilledBefore = spills.stream().mapToLong(SortedRunFile::sizeBytes).sum();
    SortedRunFile merged =
        SortedRunFile.merge(memory.newSpillFile(), spills, output.numReducePartitions(), task);
    LOG.info(
        "Task {} merged {} spills of its shuffle output into one: {} KB",
        task.partition(),
        spills.size(),
        spilledBefore >> 10);
    spills.clear();
    spills.add(merged);
  }

  private void spill() {
    records.sort();
    SortedRunFile spill =
        SortedRunFile.write(memory.newSpillFile(), records, output.numReducePartitions());
    spills.add(spill);
    memory.addSpilled(spill.sizeBytes());
    task.reportSpill(spill.sizeBytes());
    taskMemory.releaseAll();
    records = new SortedRecords(output.numReducePartitions());
  }

  /**
   * A reused buffer for one record's key or value, and the hash of its bytes (not a
   * ByteArrayOutputStream, whose every write takes a lock).
   */
  private static final class Bytes extends OutputStream {
    private byte[] buf = new byte[64];
    private int count;

    void reset() {
      count = 0;
    }

    byte[] bytes() {
      return buf;
    }

    int size() {
      return count;
    }

    @Override
    public void write(int b) {
      if (count == buf.length) {
        buf = Arrays.copyOf(buf, count * 2);
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (count + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(count + len, buf.length * 2));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    /** A hash of the bytes, mixed (Murmur3's finalizer) so that its low bits spread keys evenly. */
    int hash() {
      int h = 1;
      for (int i = 0; i < count; i++) {
        h = 31 * h + buf[i];
      }
      h ^= h >>> 16;
      h *= 0x85EBCA6B;
      h ^= h >>> 13;
      h *= 0xC2B2AE35;
      return h ^ (h >>> 16);
    }
  }
}
