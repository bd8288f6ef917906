package dev.microbatch.engine.shuffle;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What both shuffles' spill files share: reading one reduce partition's segment, and deleting the
 * file once nothing refers to its spill.
 */
final class SpillSegments {
  private static final Cleaner CLEANER = Cleaner.create();

  private SpillSegments() {}

  /** Deletes {@code path} once {@code spill} is unreachable. */
  static void deleteWhenUnreachable(Object spill, Path path) {
    CLEANER.register(spill, () -> path.toFile().delete());
  }

  /** A buffered stream over {@code path} from {@code offset} on. */
  static DataInputStream open(Path path, long offset) {
    try {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      channel.position(offset);
      InputStream segment = Channels.newInputStream(channel);
      return new DataInputStream(new BufferedInputStream(segment, 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read shuffle records spilled to " + path + ": " + e.getMessage(), e);
    }
  }

  static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // only read from; nothing is lost
    }
  }
}
