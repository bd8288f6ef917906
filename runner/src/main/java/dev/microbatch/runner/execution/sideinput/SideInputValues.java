package dev.microbatch.runner.execution.sideinput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryMultimapSideInputView;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Materializations;
import org.apache.beam.sdk.transforms.Materializations.IterableView;
import org.apache.beam.sdk.transforms.Materializations.MultimapView;
import org.apache.beam.sdk.transforms.ViewFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * The contents of one side input, built on the driver: the view's value in every window that holds
 * elements, through the view's own {@link ViewFn}. In batch mode every window is complete; in
 * streaming mode a window is ready once it has a pane or no pane can come any more.
 */
@Internal
public final class SideInputValues {
  private final PCollectionView<?> view;
  private final Map<BoundedWindow, Object> byWindow;
  private final Instant watermark;

  private SideInputValues(
      PCollectionView<?> view, Map<BoundedWindow, Object> byWindow, Instant watermark) {
    this.view = view;
    this.byWindow = byWindow;
    this.watermark = watermark;
  }

  /** Batch mode: all of the side input, every window complete. */
  public static SideInputValues of(PCollectionView<?> view, List<WindowedValue<Object>> records) {
    Map<BoundedWindow, List<Object>> elements = new HashMap<>();
    for (WindowedValue<Object> record : records) {
      for (BoundedWindow window : record.getWindows()) {
        elements.computeIfAbsent(window, w -> new ArrayList<>()).add(record.getValue());
      }
    }
    return of(view, elements, BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  /** The side input's elements in each window that has some, at a watermark. */
  public static SideInputValues of(
      PCollectionView<?> view, Map<BoundedWindow, List<Object>> elements, Instant watermark) {
    return new SideInputValues(view, Map.of(), BoundedWindow.TIMESTAMP_MIN_VALUE)
        .updated(elements, watermark);
  }

  /**
   * These contents with the windows of {@code panes} replaced by their new elements (each pane is a
   * window's whole new contents) and the watermark moved on; other windows are not viewed again.
   */
  SideInputValues updated(Map<BoundedWindow, List<Object>> panes, Instant watermark) {
    Map<BoundedWindow, Object> updated = new HashMap<>(byWindow);
    panes.forEach((window, values) -> updated.put(window, viewOf(view, values)));
    return new SideInputValues(view, updated, watermark);
  }

  /**
   * Whether {@code window}'s value may be read: it has a pane, or the watermark passed the time by
   * which its trigger would have fired a pane had it held elements (its end for the default
   * trigger; its expiry, end plus allowed lateness, for a trigger that never fires early, as
   * Wait.on's signals have), as Beam's DirectRunner decides it.
   */
  boolean isReady(BoundedWindow window) {
    return byWindow.containsKey(window) || watermark.isAfter(readyWhenEmptyAfter(window));
  }

  /** Whether no pane can come any more (batch mode, or a stream past its end): all is ready. */
  boolean complete() {
    return !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
  }

  @SuppressWarnings("unchecked")
  private Instant readyWhenEmptyAfter(BoundedWindow window) {
    WindowingStrategy<?, BoundedWindow> strategy =
        (WindowingStrategy<?, BoundedWindow>) view.getWindowingStrategyInternal();
    Instant expiry = LateDataUtils.garbageCollectionTime(window, strategy);
    Instant firing = strategy.getTrigger().getWatermarkThatGuaranteesFiring(window);
    return firing.isBefore(expiry) ? firing : expiry;
  }

  /** The view's value in {@code window} (a side-input window), empty if nothing fell in it. */
  public Object get(BoundedWindow window) {
    Object value = byWindow.get(window);
    return value != null ? value : viewOf(view, List.of());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object viewOf(PCollectionView<?> view, List<Object> values) {
    String urn = view.getViewFn().getMaterialization().getUrn();
    switch (urn) {
      case Materializations.ITERABLE_MATERIALIZATION_URN:
        return ((ViewFn<IterableView, ?>) view.getViewFn()).apply(() -> values);
      case Materializations.MULTIMAP_MATERIALIZATION_URN:
        Coder<?> keyCoder = ((KvCoder<?, ?>) view.getCoderInternal()).getKeyCoder();
        MultimapView multimap =
            values.isEmpty()
                ? InMemoryMultimapSideInputView.empty()
                : new HashedMultimapView<>(
                    (Coder) keyCoder, (Iterable<KV<Object, Object>>) (Iterable) values);
        return ((ViewFn<MultimapView, ?>) view.getViewFn()).apply(multimap);
      default:
        throw new UnsupportedOperationException(
            "Side input materialization " + urn + " of " + view + " is not supported");
    }
  }
}
