package dev.microbatch.runner.execution.combine;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.PartitionStateUpdateFunction.KeyUpdate;
import dev.microbatch.engine.stream.StateDStream;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.state.KeyOutputs;
import dev.microbatch.runner.execution.windowing.HeldWatermark;
import dev.microbatch.runner.execution.windowing.MicroBatchClocks;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A lifted Combine.PerKey in streaming mode whose windows each fire one pane: the default trigger,
 * windows that do not merge, no allowed lateness. ReduceFnRunner then fires each window of each key
 * once, on time and final, when the input watermark passes the window's end, with every value that
 * came before; a value that comes after is late and dropped. That needs no trigger, timers or state
 * cells, so here each key keeps just an accumulator per open window ({@link OpenWindows}), and late
 * values are dropped (and counted) before the map side folds them. The panes, their timestamps and
 * the output watermark are ReduceFnRunner's.
 */
@Internal
public final class SinglePaneCombineStep<K, InputT, AccumT, OutputT> {
  private final CombineFn<InputT, AccumT, OutputT> fn;
  private final TimestampCombiner timestamps;
  private final MicroBatchClocks clocks;
  private final DStream<WindowedValue<KV<K, OutputT>>> output;
  private final PCollectionWatermark watermark;
  private final StateDStream<
          WindowAccumulation<K, AccumT>,
          Object,
          WindowAccumulation<K, AccumT>,
          Key<K, AccumT, OutputT>>
      keys;

  /** Whether a liftable Combine's windows fire one pane each: no allowed lateness. */
  public static boolean applies(WindowingStrategy<?, ?> windowing) {
    return windowing.getAllowedLateness().isEqual(Duration.ZERO);
  }

  @SuppressWarnings("unchecked")
  public SinglePaneCombineStep(
      PCollection<KV<K, InputT>> input,
      CombineFn<InputT, AccumT, OutputT> fn,
      Coder<K> keyCoder,
      Coder<AccumT> accumulatorCoder,
      StreamingStepEnvironment context) {
    WindowingStrategy<?, BoundedWindow> windowing =
        (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy();
    this.fn = fn;
    this.timestamps = windowing.getTimestampCombiner();
    this.clocks = new MicroBatchClocks(context.watermark(input), context.processingTime());
    CounterCell dropped = GroupAlsoByWindow.droppedDueToLateness(context);
    DStream<WindowAccumulation<K, AccumT>> partial =
        context.<KV<K, InputT>>stream(input)
            .transform(
                (records, time) -> {
                  clocks.onInputGenerated(records, time);
                  // The batch's values arrive at the watermarks of the batch before.
                  Instant arrival = clocks.previousInputWatermark();
                  Instant outputWatermark = clocks.previousOutputWatermark();
                  return records.mapPartitions(
                      (values, task) ->
                          LiftedCombine.combineInPartition(
                                  values,
                                  fn,
                                  keyCoder,
                                  windowing,
                                  window -> isLate(window, windowing, arrival, dropped),
                                  outputWatermark)
                              .iterator());
                });
    this.keys =
        partial.updateStateByKey(
            accumulation -> keyCoder.structuralValue(accumulation.key),
            accumulation -> accumulation,
            (batchTime, updates, task) -> update(batchTime, updates));
    context.checkpointed(
        checkpointed(
            new WindowAccumulationsCoder<>(
                keyCoder, windowing.getWindowFn().windowCoder(), accumulatorCoder),
            keyCoder));
    this.output = keys.transform((d, time) -> d.flatMap(k -> k.value().outputsOf(time)));
    this.watermark = new HeldWatermark<>(clocks, keys, k -> k.value().state.earliestHold());
  }

  /** The fired panes, batch by batch. */
  public DStream<WindowedValue<KV<K, OutputT>>> output() {
    return output;
  }

  /** The output watermark: the input's, held back by the open windows. */
  public PCollectionWatermark watermark() {
    return watermark;
  }

  /** As LateDataUtils.dropExpiredWindows: the window's garbage collection is past. */
  private static boolean isLate(
      BoundedWindow window,
      WindowingStrategy<?, ?> windowing,
      Instant arrival,
      CounterCell dropped) {
    if (LateDataUtils.garbageCollectionTime(window, windowing).isBefore(arrival)) {
      dropped.inc();
      return true;
    }
    return false;
  }

  /**
   * Merges each key's new accumulators into its open windows, then fires the windows now closed.
   */
  private Iterator<Pair<Object, Key<K, AccumT, OutputT>>> update(
      long batchTime,
      Iterator<KeyUpdate<Object, WindowAccumulation<K, AccumT>, Key<K, AccumT, OutputT>>> updates) {
    Instant watermark = clocks.inputWatermark();
    List<Pair<Object, Key<K, AccumT, OutputT>>> updated = new ArrayList<>();
    while (updates.hasNext()) {
      KeyUpdate<Object, WindowAccumulation<K, AccumT>, Key<K, AccumT, OutputT>> update =
          updates.next();
      Key<K, AccumT, OutputT> key = update.state().orElseGet(Key::new);
      for (WindowAccumulation<K, AccumT> partial : update.values()) {
        key.state.add(partial, fn, timestamps);
      }
      List<WindowAccumulation<K, AccumT>> closed = key.state.closeBefore(watermark);
      List<WindowedValue<KV<K, OutputT>>> panes = new ArrayList<>(closed.size());
      for (WindowAccumulation<K, AccumT> window : closed) {
        panes.add(window.onlyPane(fn));
      }
      key.emitted(batchTime, panes);
      if (!key.isDone(key.state.isEmpty())) {
        updated.add(new Pair<>(update.key(), key));
      }
    }
    return updated.iterator();
  }

  /** The state checkpoints keep: every open window, and the input watermark after the batch. */
  private CheckpointedState checkpointed(
      WindowAccumulationsCoder<K, AccumT> coder, Coder<K> keyCoder) {
    return new CheckpointedState() {
      @Override
      public byte[] snapshot(long batchTime) throws IOException {
        List<WindowAccumulation<K, AccumT>> open = new ArrayList<>();
        keys.stateAfter(batchTime).forEach(key -> open.addAll(key.value().state.windows()));
        return coder.encode(new WindowAccumulationsCoder.Snapshot<>(clocks.inputWatermark(), open));
      }

      @Override
      public void restore(byte[] snapshot) throws IOException {
        WindowAccumulationsCoder.Snapshot<K, AccumT> restored = coder.decode(snapshot);
        clocks.resumeAt(restored.inputWatermark());
        Map<Object, Key<K, AccumT, OutputT>> byKey = new LinkedHashMap<>();
        for (WindowAccumulation<K, AccumT> window : restored.windows()) {
          byKey
              .computeIfAbsent(keyCoder.structuralValue(window.key), k -> new Key<>())
              .state
              .add(window, fn, timestamps);
        }
        List<Pair<Object, Key<K, AccumT, OutputT>>> states = new ArrayList<>();
        byKey.forEach((k, v) -> states.add(new Pair<>(k, v)));
        keys.startFrom(states);
      }
    };
  }

  /** A key's open windows, and the panes it fired in the last batch it was updated in. */
  private static final class Key<K, AccumT, OutputT>
      extends KeyOutputs<OpenWindows<K, AccumT>, WindowedValue<KV<K, OutputT>>> {
    Key() {
      super(new OpenWindows<>());
    }
  }
}
