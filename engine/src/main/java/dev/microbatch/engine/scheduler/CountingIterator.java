package dev.microbatch.engine.scheduler;

import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Counts the records that pass through; a producer that pushes them (forEachRemaining) still
 * pushes.
 */
final class CountingIterator<T> implements Iterator<T> {
  private final Iterator<T> records;
  private long count;

  CountingIterator(Iterator<T> records) {
    this.records = records;
  }

  long count() {
    return count;
  }

  @Override
  public boolean hasNext() {
    return records.hasNext();
  }

  @Override
  public T next() {
    T record = records.next();
    count++;
    return record;
  }

  @Override
  public void forEachRemaining(Consumer<? super T> action) {
    records.forEachRemaining(
        record -> {
          count++;
          action.accept(record);
        });
  }
}
