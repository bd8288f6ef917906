package dev.microbatch.engine.shuffle;

import java.io.IOException;
import java.io.OutputStream;

/**
 * How a sort shuffle writes a record: its key's bytes, whose equality is the key's equality, and
 * its value's bytes. The shuffle groups records by their key's bytes and never reads them
 * otherwise.
 */
public interface RecordSerializer<T> {
  void writeKey(T record, OutputStream out) throws IOException;

  void writeValue(T record, OutputStream out) throws IOException;
}
