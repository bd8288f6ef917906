package dev.microbatch.runner.execution.sideinput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.runners.core.InMemoryMultimapSideInputView;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Materializations.MultimapView;
import org.apache.beam.sdk.values.KV;

/**
 * A multimap side input's elements, found by key as Beam's {@link InMemoryMultimapSideInputView}
 * finds them (keys are equal when their coder's structural values are), in an open-addressing table
 * that holds each key's structural value and its values side by side, a key's one value as itself.
 * Beam's view reaches a value through a hash map's node, the key, a KV, a list and the list's
 * array: in a side input of 100,000 entries each is a cache miss, and B2's join spent 60% of its
 * map side there. Here a lookup reads the slot, the key and the value.
 *
 * <p>Where every structural key is a {@code Long} (or every one an {@code Integer}: the key itself,
 * for Beam's integer coders) and they lie close together, values sit in an array indexed by key,
 * which a lookup reads without reading a key: ids from a database are such keys.
 *
 * <p>Every key ({@link #get()}) comes from Beam's own view, made on first use from each key's first
 * element, in the order they came: Beam's hash map then has the same keys put in the same order, so
 * that keys come in the order the DirectRunner gives them. Only the keys are kept for it, not every
 * element: a multimap of many values a key would hold them twice.
 */
final class HashedMultimapView<K, V> implements MultimapView<K, V> {
  /** A null structural value in the table, which holds no nulls as keys. */
  private static final Object NULL_KEY = new Object();

  /** A null value in the array indexed by key, where null means no value. */
  private static final Object NULL_VALUE = new Object();

  /** An array indexed by key takes at most this many slots a key. */
  private static final int DENSE_SLOTS_PER_KEY = 4;

  private final Coder<K> keyCoder;

  /** Each key as its first element had it, in the order they came. */
  private final List<K> keysInOrder = new ArrayList<>();

  /** Pairs of slots: a structural key (null where no key is), then its value or {@link Values}. */
  private Object[] table;

  /**
   * Where the keys are dense integers of class {@link #denseKeyClass}: each key's value, {@link
   * Values} or {@link #NULL_VALUE} at the key less {@link #minKey}; null otherwise.
   */
  private Object[] byKey;

  private Class<?> denseKeyClass;
  private long minKey;

  private volatile MultimapView<K, V> allKeys;

  HashedMultimapView(Coder<K> keyCoder, Iterable<KV<K, V>> elements) {
    this.keyCoder = keyCoder;
    this.table = new Object[2 * 16];
    for (KV<K, V> element : elements) {
      add(element.getKey(), element.getValue());
    }
    indexByKeyIfDense();
  }

  @Override
  public Iterable<V> get(K key) {
    Object structural = structuralKey(key);
    return byKey != null ? valuesByKey(structural) : valuesInTable(structural);
  }

  private Iterable<V> valuesInTable(Object structural) {
    int slot = slotOf(structural, table);
    return table[slot] == null ? Collections.emptyList() : asIterable(table[slot + 1]);
  }

  private Iterable<V> valuesByKey(Object structural) {
    if (structural.getClass() == denseKeyClass) { // a key of another class equals none of these
      long offset = ((Number) structural).longValue() - minKey;
      if (offset >= 0 && offset < byKey.length && byKey[(int) offset] != null) {
        Object value = byKey[(int) offset];
        return asIterable(value == NULL_VALUE ? null : value);
      }
    }
    return Collections.emptyList();
  }

  private Iterable<V> asIterable(Object value) {
    return value instanceof Values values
        ? Collections.unmodifiableList(castValues(values.list))
        : Collections.singletonList(castValue(value));
  }

  @Override
  public Iterable<K> get() {
    MultimapView<K, V> all = allKeys;
    if (all == null) {
      synchronized (this) {
        all = allKeys;
        if (all == null) {
          List<KV<K, V>> firstOfEachKey = new ArrayList<>(keysInOrder.size());
          keysInOrder.forEach(key -> firstOfEachKey.add(KV.of(key, null)));
          all = InMemoryMultimapSideInputView.fromIterable(keyCoder, firstOfEachKey);
          allKeys = all;
        }
      }
    }
    return all.get();
  }

  private Object structuralKey(K key) {
    Object structural = keyCoder.structuralValue(key);
    return structural == null ? NULL_KEY : structural;
  }

  private void add(K original, V value) {
    Object key = structuralKey(original);
    int slot = slotOf(key, table);
    if (table[slot] != null) {
      Object held = table[slot + 1];
      if (held instanceof Values values) {
        values.list.add(value);
      } else {
        table[slot + 1] = new Values(held, value);
      }
      return;
    }
    table[slot] = key;
    table[slot + 1] = value;
    keysInOrder.add(original);
    if (keysInOrder.size() > table.length / 4) { // at most half the keys' slots used
      grow();
    }
  }

  private void grow() {
    Object[] old = table;
    table = new Object[old.length * 2];
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != null) {
        int slot = slotOf(old[i], table);
        table[slot] = old[i];
        table[slot + 1] = old[i + 1];
      }
    }
  }

  /**
   * Moves the values to an array indexed by key if every key is a Long, or an Integer, close by.
   */
  private void indexByKeyIfDense() {
    Class<?> keyClass = null;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < table.length; i += 2) {
      Object key = table[i];
      if (key == null) {
        continue;
      }
      if (keyClass == null && (key instanceof Long || key instanceof Integer)) {
        keyClass = key.getClass();
      }
      if (key.getClass() != keyClass) {
        return;
      }
      min = Math.min(min, ((Number) key).longValue());
      max = Math.max(max, ((Number) key).longValue());
    }
    long span = max - min; // negative if it overflowed
    if (keyClass == null
        || span < 0
        || span >= (long) DENSE_SLOTS_PER_KEY * keysInOrder.size() + 64) {
      return;
    }
    byKey = new Object[(int) (max - min + 1)];
    for (int i = 0; i < table.length; i += 2) {
      if (table[i] != null) {
        Object value = table[i + 1];
        byKey[(int) (((Number) table[i]).longValue() - min)] = value == null ? NULL_VALUE : value;
      }
    }
    denseKeyClass = keyClass;
    minKey = min;
    table = null;
  }

  /**
   * The slot of {@code key} in {@code table}, or the free one where it would go: probing from its
   * hash mixed, so that keys with nearby hashes spread over the table.
   */
  private static int slotOf(Object key, Object[] table) {
    int h = key.hashCode() * 0x9E3779B9;
    int slot = (h ^ (h >>> 16)) & (table.length - 2);
    for (Object at; (at = table[slot]) != null; slot = (slot + 2) & (table.length - 1)) {
      if (at == key || key.equals(at)) {
        return slot;
      }
    }
    return slot;
  }

  @SuppressWarnings("unchecked")
  private V castValue(Object value) {
    return (V) value;
  }

  @SuppressWarnings("unchecked")
  private List<V> castValues(List<Object> values) {
    return (List<V>) (List<?>) values;
  }

  /** The values of a key that has more than one; a user's value is never of this class. */
  private static final class Values {
    final List<Object> list = new ArrayList<>(2);

    Values(Object first, Object second) {
      list.add(first);
      list.add(second);
    }
  }
}
