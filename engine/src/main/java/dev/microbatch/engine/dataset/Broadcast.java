package dev.microbatch.engine.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A read-only value built on the driver from every record of a dataset (Spark's broadcast of a
 * collected RDD). The scheduler computes it before any stage whose datasets depend on it.
 */
public final class Broadcast<T> {
  private final int id;
  private final Dataset<?> source;
  private final Function<List<List<?>>, T> builder;
  private volatile boolean computed;
  private T value;

  /** {@code builder} receives the records partition by partition. */
  @SuppressWarnings("unchecked")
  <E> Broadcast(int id, Dataset<E> source, Function<List<List<E>>, T> builder) {
    this.id = id;
    this.source = source;
    this.builder = partitions -> builder.apply((List<List<E>>) (List<?>) partitions);
  }

  public T value() {
    if (!computed) {
      throw new IllegalStateException("Broadcast " + id + " was read before it was computed");
    }
    return value;
  }

  public Dataset<?> source() {
    return source;
  }

  public boolean isComputed() {
    return computed;
  }

  public void complete(List<List<?>> partitions) {
    value = builder.apply(partitions);
    computed = true;
  }

  @Override
  public String toString() {
    return "Broadcast#" + id + " of " + source;
  }
}
