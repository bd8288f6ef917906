package dev.microbatch.runner.execution.sideinput;

import dev.microbatch.engine.dataset.Broadcast;
import java.util.Map;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Reads side inputs from the broadcasts the scheduler computed before this task ran. */
@Internal
public final class BroadcastSideInputReader implements ReadyCheckingSideInputReader {
  private final Map<TupleTag<?>, Broadcast<SideInputValues>> broadcasts;

  public BroadcastSideInputReader(Map<TupleTag<?>, Broadcast<SideInputValues>> broadcasts) {
    this.broadcasts = broadcasts;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(PCollectionView<T> view, BoundedWindow window) {
    Broadcast<SideInputValues> broadcast = broadcasts.get(view.getTagInternal());
    if (broadcast == null) {
      throw new IllegalArgumentException("Side input " + view + " was not declared");
    }
    return (T) broadcast.value().get(window);
  }

  @Override
  public boolean isReady(PCollectionView<?> view, BoundedWindow window) {
    return broadcasts.get(view.getTagInternal()).value().isReady(window);
  }

  /**
   * Whether every side input is complete (batch mode, or a stream past its end), so that every
   * window of every side input is ready.
   */
  public boolean complete() {
    for (Broadcast<SideInputValues> broadcast : broadcasts.values()) {
      if (!broadcast.value().complete()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return broadcasts.containsKey(view.getTagInternal());
  }

  @Override
  public boolean isEmpty() {
    return broadcasts.isEmpty();
  }
}
