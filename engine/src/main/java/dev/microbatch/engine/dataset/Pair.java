package dev.microbatch.engine.dataset;

/**
 * A key and a value: the records a shuffle produces. Prints as {@code (key,value)}, as Spark does.
 */
public record Pair<K, V>(K key, V value) {
  @Override
  public String toString() {
    return "(" + key + "," + value + ")";
  }
}
