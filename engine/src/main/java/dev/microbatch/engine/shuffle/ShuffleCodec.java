package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How a shuffle's records are written to disk when the shuffle spills, and read back. A record is a
 * key and what crosses the shuffle for it: the combiner with map-side combining, else the value.
 * {@code decode} must give back a key equal to the one encoded, with the same hash code.
 */
public interface ShuffleCodec<K, X> {
  void encode(K key, X value, OutputStream out) throws IOException;

  Pair<K, X> decode(InputStream in) throws IOException;
}
