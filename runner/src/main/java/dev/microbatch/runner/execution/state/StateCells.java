package dev.microbatch.runner.execution.state;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals.InMemoryState;
import org.apache.beam.runners.core.InMemoryStateInternals.InMemoryStateBinder;
import org.apache.beam.runners.core.InMemoryStateInternals.InMemoryWatermarkHold;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * One key's in-memory state cells, by namespace (window) and tag id, as Beam's {@code StateTable}
 * keeps them but walkable without copies: a namespace's few cells sit in arrays side by side, found
 * by a scan of their tag ids, where Beam's Guava table looks up a row, then an {@code
 * Equivalence.Wrapper} of the tag, and hands a namespace's cells out only as a new map. A keyed
 * step walks every key's cells after each batch it runs in (what is cleared, what holds the
 * watermark), so the walk is what this class is for.
 */
final class StateCells {
  private final Map<StateNamespace, Cells> namespaces = new LinkedHashMap<>();

  /** The cell of {@code tag} in {@code namespace}, bound in memory on first use. */
  @SuppressWarnings("unchecked")
  <T extends State> T get(StateNamespace namespace, StateTag<T> tag, StateContext<?> context) {
    Cells cells = namespaces.computeIfAbsent(namespace, n -> new Cells());
    String id = tag.getId();
    for (int i = 0; i < cells.size; i++) {
      if (id.equals(cells.tags[i].getId())) {
        return (T) cells.states[i];
      }
    }
    T state = tag.bind(new InMemoryStateBinder(context));
    cells.add(tag, state);
    return state;
  }

  /** Forgets every cell. */
  void clear() {
    namespaces.clear();
  }

  /** How many namespaces hold cells, cleared or not. */
  int namespaces() {
    return namespaces.size();
  }

  /** True when every cell is cleared (or there is none). */
  boolean allCleared() {
    for (Cells cells : namespaces.values()) {
      if (!cells.allCleared()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Forgets the namespaces whose every cell is cleared: a cleared cell reads as a new one would.
   */
  void forgetCleared() {
    Iterator<Cells> cells = namespaces.values().iterator();
    while (cells.hasNext()) {
      if (cells.next().allCleared()) {
        cells.remove();
      }
    }
  }

  /** The earliest watermark hold of the cells not cleared, or the end of time if none holds. */
  Instant earliestHold() {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Cells cells : namespaces.values()) {
      for (int i = 0; i < cells.size; i++) {
        if (cells.states[i] instanceof InMemoryWatermarkHold<?> hold && !hold.isCleared()) {
          Instant held = hold.read();
          if (held != null && held.isBefore(earliest)) {
            earliest = held;
          }
        }
      }
    }
    return earliest;
  }

  /** Hands {@code cell} each namespace's cells that are not cleared, in order of first use. */
  void forEachNotCleared(Cell cell) {
    namespaces.forEach(
        (namespace, cells) -> {
          for (int i = 0; i < cells.size; i++) {
            if (!cleared(cells.states[i])) {
              cell.accept(namespace, cells.tags[i], cells.states[i]);
            }
          }
        });
  }

  /** What {@link #forEachNotCleared} hands each cell to. */
  interface Cell {
    void accept(StateNamespace namespace, StateTag<?> tag, State state);
  }

  private static boolean cleared(State state) {
    return ((InMemoryState<?>) state).isCleared();
  }

  /** The cells of one namespace, in order of first use. */
  private static final class Cells {
    StateTag<?>[] tags = new StateTag<?>[4];
    State[] states = new State[4];
    int size;

    void add(StateTag<?> tag, State state) {
      if (size == tags.length) {
        tags = Arrays.copyOf(tags, size * 2);
        states = Arrays.copyOf(states, size * 2);
      }
      tags[size] = tag;
      states[size] = state;
      size++;
    }

    boolean allCleared() {
      for (int i = 0; i < size; i++) {
        if (!cleared(states[i])) {
          return false;
        }
      }
      return true;
    }
  }
}
