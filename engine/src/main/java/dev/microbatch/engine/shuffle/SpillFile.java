package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One spill of a map task's output: for each reduce partition a segment of its records, sorted by
 * the hash code of their keys so that the reduce side can merge spills as sorted runs. Each record
 * is its length, then its bytes as the shuffle's codec wrote them. The file is deleted once nothing
 * refers to its spill any more.
 */
final class SpillFile {
  static final Comparator<Pair<?, ?>> BY_KEY_HASH =
      Comparator.comparingInt(p -> Objects.hashCode(p.key()));

  private final Path path;
  private final long[] offsets;
  private final int[] counts;

  private SpillFile(Path path, long[] offsets, int[] counts) {
    this.path = path;
    this.offsets = offsets;
    this.counts = counts;
    SpillSegments.deleteWhenUnreachable(this, path);
  }

  /**
   * Writes {@code rows}, one list of records per reduce partition, each sorted by key hash (a
   * sorted copy: the lists themselves are left as they are, for readers that hold them).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static SpillFile write(
      Path path, List<? extends List<? extends Pair<?, ?>>> rows, ShuffleCodec<?, ?> codec) {
    long[] offsets = new long[rows.size() + 1];
    int[] counts = new int[rows.size()];
    ShuffleCodec<Object, Object> anyCodec = (ShuffleCodec) codec;
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    long position = 0; // not out.size(), an int that stops at 2 GB
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16))) {
      for (int r = 0; r < rows.size(); r++) {
        offsets[r] = position;
        List<Pair<?, ?>> sorted = new ArrayList<>(rows.get(r));
        sorted.sort(BY_KEY_HASH);
        for (Pair<?, ?> pair : sorted) {
          record.reset();
          anyCodec.encode(pair.key(), pair.value(), record);
          out.writeInt(record.size());
          record.writeTo(out);
          position += Integer.BYTES + record.size();
        }
        counts[r] = rows.get(r).size();
      }
      offsets[rows.size()] = position;
    } catch (IOException e) {
      path.toFile().delete();
      throw new UncheckedIOException(
          "Cannot spill shuffle records to " + path + ": " + e.getMessage(), e);
    }
    return new SpillFile(path, offsets, counts);
  }

  long sizeBytes() {
    return offsets[offsets.length - 1];
  }

  boolean hasRecords(int reducePartition) {
    return counts[reducePartition] > 0;
  }

  /**
   * The records of one reduce partition in key-hash order, decoded as they are read; the file is
   * open until they are all read or {@code task} ends.
   */
  <K> Iterator<Pair<K, ?>> read(int reducePartition, ShuffleCodec<K, ?> codec, TaskContext task) {
    DataInputStream in = SpillSegments.open(path, offsets[reducePartition]);
    task.onCompletion(() -> SpillSegments.closeQuietly(in));
    return new Iterator<>() {
      private int left = counts[reducePartition];

      @Override
      public boolean hasNext() {
        return left > 0;
      }

      @Override
      public Pair<K, ?> next() {
        try {
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          if (--left == 0) {
            in.close();
          }
          return codec.decode(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
          throw new UncheckedIOException(
              "Cannot read shuffle records spilled to " + path + ": " + e.getMessage(), e);
        }
      }
    };
  }
}
