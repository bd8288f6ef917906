package dev.microbatch.engine.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Checkpoints on disk, one file per checkpoint ({@code checkpoint-<batch time>}), written
 * atomically: to a temporary file first, forced to disk, then renamed into place, so a crash leaves
 * either the old checkpoint or the new one, never half of one. Each file starts with a magic number
 * and a format version and ends with a CRC-32 of everything before it.
 *
 * <p>Reading never falls back silently: a latest checkpoint that is truncated, corrupt, of another
 * format or version, or of another pipeline is refused with an error naming its file. The newest
 * few checkpoints are kept; older ones are deleted once a newer one is in place.
 */
public final class CheckpointStore {
  /** "MBCK": a MicroBatch checkpoint. */
  private static final int MAGIC = 0x4d42434b;

  static final int VERSION = 1;
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
  private static final String TEMP_PREFIX = ".writing-";

  private final Path dir;
  private final int keep;

  /**
   * Opens (creating it if needed) {@code dir}; fails, naming it, if it cannot be written.
   *
   * @param keep how many of the newest checkpoints to keep; at least 1
   */
  public CheckpointStore(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException(
          "A checkpoint store keeps at least 1 checkpoint, not " + keep);
    }
    this.dir = dir;
    this.keep = keep;
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, TEMP_PREFIX, ".probe");
      Files.delete(probe);
      deleteUnfinishedWrites();
    } catch (IOException e) {
      throw new CheckpointException(dir, "the directory cannot be created or written: " + e, e);
    }
  }

  /** What a process killed mid-write left: never renamed into place, so never a checkpoint. */
  private void deleteUnfinishedWrites() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path temp :
          entries.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
        Files.deleteIfExists(temp);
      }
    }
  }

  public Path directory() {
    return dir;
  }

  /**
   * Writes {@code checkpoint} durably and atomically, then deletes checkpoints beyond the newest
   * few.
   */
  public void write(Checkpoint checkpoint) {
    Path target = dir.resolve("checkpoint-" + checkpoint.batchTime());
    Path temp = dir.resolve(TEMP_PREFIX + target.getFileName());
    try {
      byte[] bytes = encode(checkpoint);
      try (FileChannel out =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CheckpointException(target, "could not be written: " + e, e);
    }
    List<Path> files = checkpointFiles();
    for (Path old : files.subList(0, Math.max(0, files.size() - keep))) {
      try {
        Files.deleteIfExists(old);
      } catch (IOException e) {
        throw new CheckpointException(old, "could not be deleted: " + e, e);
      }
    }
  }

  /**
   * The newest checkpoint, or empty if the directory has none (a first start). Fails, naming the
   * file, if the newest one is not a sound checkpoint of {@code pipeline}.
   */
  public Optional<Checkpoint> latest(String pipeline) {
    List<Path> files = checkpointFiles();
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Path newest = files.get(files.size() - 1);
    Checkpoint checkpoint = read(newest);
    if (!checkpoint.pipeline().equals(pipeline)) {
      throw new CheckpointException(
          newest,
          "was written by another pipeline ("
              + checkpoint.pipeline()
              + "), not this one ("
              + pipeline
              + "); use another checkpoint directory or delete this one");
    }
    return Optional.of(checkpoint);
  }

  /** The checkpoint files, oldest first (by the batch time in their names). */
  private List<Path> checkpointFiles() {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(CheckpointStore::batchTimeOf))
          .toList();
    } catch (IOException e) {
      throw new CheckpointException(dir, "the directory cannot be listed: " + e, e);
    }
  }

  private static long batchTimeOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(file.toString());
    }
    return Long.parseLong(m.group(1));
  }

  static byte[] encode(Checkpoint checkpoint) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(checkpoint.batchTime());
    writeString(out, checkpoint.pipeline());
    out.writeInt(checkpoint.parts().size());
    for (Map.Entry<String, byte[]> part : checkpoint.parts().entrySet()) {
      writeString(out, part.getKey());
      out.writeInt(part.getValue().length);
      out.write(part.getValue());
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  private static Checkpoint read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot be read: " + e, e);
    }
    if (bytes.length < 8 + 8) {
      throw new CheckpointException(file, "is truncated (" + bytes.length + " bytes)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new CheckpointException(
            file, "is not a MicroBatch checkpoint (its first bytes are not the magic number)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CheckpointException(
            file, "has format version " + version + ", but this runner reads version " + VERSION);
      }
      CRC32 crc = new CRC32();
      crc.update(bytes, 0, bytes.length - 8);
      long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
      if (crc.getValue() != stored) {
        throw new CheckpointException(file, "is corrupt or truncated (its CRC-32 does not match)");
      }
      long batchTime = in.readLong();
      String pipeline = readString(in);
      int count = in.readInt();
      Map<String, byte[]> parts = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = readString(in);
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        parts.put(name, value);
      }
      return new Checkpoint(batchTime, pipeline, parts);
    } catch (EOFException | NegativeArraySizeException e) {
      throw new CheckpointException(file, "is truncated", e);
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot be read: " + e, e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] utf8 = new byte[in.readInt()];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
