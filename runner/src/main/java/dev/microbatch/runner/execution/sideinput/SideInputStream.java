package dev.microbatch.runner.execution.sideinput;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.state.KeyState;
import dev.microbatch.runner.execution.state.KeyedStreamStep;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A side input in streaming mode. The viewed PCollection is grouped per window under its own
 * trigger (one key, through ReduceFnRunner), and every pane replaces its window's contents, as
 * Beam's SideInputHandler does: with the default trigger a window's contents appear once the side
 * input's watermark passes its end; triggered side inputs update pane by pane.
 */
@Internal
public final class SideInputStream {
  private static final Integer ONE_KEY = 0;

  private final KeyedStreamStep<Integer, Object, WindowedValue<KV<Integer, Iterable<Object>>>>
      panes;
  private SideInputValues contents;
  private long broadcastFor = Long.MIN_VALUE;
  private Broadcast<SideInputValues> broadcast;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public SideInputStream(
      PCollectionView<?> view,
      DStream<WindowedValue<Object>> elements,
      PCollectionWatermark watermark,
      StreamingStepEnvironment context) {
    this.contents = SideInputValues.of(view, Map.of(), BoundedWindow.TIMESTAMP_MIN_VALUE);
    GroupAlsoByWindow<Integer, Object, Iterable<Object>, BoundedWindow> groupAlsoByWindow =
        new GroupAlsoByWindow<>(
            (WindowingStrategy<?, BoundedWindow>) view.getWindowingStrategyInternal(),
            SystemReduceFn.buffering((Coder<Object>) view.getPCollection().getCoder()),
            context);
    this.panes =
        new KeyedStreamStep<>(
            elements.map(e -> e.withValue(KV.of(ONE_KEY, e.getValue()))),
            key -> key,
            watermark,
            context.processingTime(),
            (time, task) -> groupAlsoByWindow::process,
            KeyState::earliestHold);
  }

  /** The panes the side input fired, batch by batch. */
  public DStream<WindowedValue<KV<Integer, Iterable<Object>>>> panes() {
    return panes.output();
  }

  public PCollectionWatermark watermark() {
    return panes.watermark();
  }

  /**
   * The side input as it stands after {@code batchTime}: every window's latest pane and the side
   * input's watermark. Asked on the batch thread while the batch is generated; every ParDo reading
   * the view in that batch shares the one broadcast.
   */
  public Broadcast<SideInputValues> after(long batchTime) {
    if (batchTime != broadcastFor) {
      Dataset<WindowedValue<KV<Integer, Iterable<Object>>>> fired = panes().getOrCompute(batchTime);
      Instant watermark = panes.watermark().after(batchTime);
      broadcast = fired.broadcast(newPanes -> update(newPanes, watermark));
      broadcastFor = batchTime;
    }
    return broadcast;
  }

  private synchronized SideInputValues update(
      List<WindowedValue<KV<Integer, Iterable<Object>>>> newPanes, Instant watermark) {
    Map<BoundedWindow, List<Object>> byWindow = new HashMap<>();
    for (WindowedValue<KV<Integer, Iterable<Object>>> pane : newPanes) {
      List<Object> values = new ArrayList<>();
      pane.getValue().getValue().forEach(values::add);
      for (BoundedWindow window : pane.getWindows()) {
        byWindow.put(window, values);
      }
    }
    contents = contents.updated(byWindow, watermark);
    return contents;
  }
}
