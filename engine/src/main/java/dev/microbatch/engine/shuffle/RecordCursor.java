package dev.microbatch.engine.shuffle;

/**
 * Reads a sorted run of serialized records one at a time, in place: after {@link #next} returns
 * true, the accessors describe the current record until the next call.
 */
interface RecordCursor {
  boolean next();

  int hash();

  byte[] keyBytes();

  int keyOffset();

  int keyLength();

  byte[] valueBytes();

  int valueOffset();

  int valueLength();
}
