package dev.microbatch.runner.execution.combine;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.PartitionStateDStream;
import dev.microbatch.engine.stream.PartitionStateFunction;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.state.GroupAlsoByWindow;
import dev.microbatch.runner.execution.windowing.HeldWatermark;
import dev.microbatch.runner.execution.windowing.MicroBatchClocks;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * values are dropped (and counted) before the map side folds them. The keys' open windows stay in
 * place, partition by partition ({@link PartitionWindows}), so a batch touches the keys it has
 * values for and the others only when a window closes. The panes, their timestamps and the output
 * watermark are ReduceFnRunner's.
 */
@Internal
public final class SinglePaneCombineStep<K, InputT, AccumT, OutputT> {
  private final CombineFn<InputT, AccumT, OutputT> fn;
  private final TimestampCombiner timestamps;
  private final MicroBatchClocks clocks;
  private final DStream<WindowedValue<KV<K, OutputT>>> output;
  private final PCollectionWatermark watermark;
  private final PartitionStateDStream<
          WindowAccumulation<K, AccumT>,
          Object,
          WindowAccumulation<K, AccumT>,
          PartitionWindows<K, AccumT>,
          WindowedValue<KV<K, OutputT>>>
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
                                  window -> isLate(window, windowing, arrival),
                                  dropped::inc,
                                  outputWatermark)
                              .iterator());
                });
    this.keys =
        partial.updatePartitionState(
            accumulation -> keyCoder.structuralValue(accumulation.key),
            accumulation -> accumulation,
            new PartitionStateFunction<>() {
              @Override
              public PartitionWindows<K, AccumT> newState() {
                return new PartitionWindows<>(fn, timestamps);
              }

              @Override
              public List<WindowedValue<KV<K, OutputT>>> update(
                  long batchTime,
                  PartitionWindows<K, AccumT> windows,
                  Iterator<Pair<Object, List<WindowAccumulation<K, AccumT>>>> values,
                  TaskContext task) {
                return fire(windows, values);
              }
            });
    context.checkpointed(
        checkpointed(
            new WindowAccumulationsCoder<>(
                keyCoder, windowing.getWindowFn().windowCoder(), accumulatorCoder)));
    this.output = keys.outputs();
    this.watermark =
        new HeldWatermark(
            clocks,
            batchTime ->
                keys.statesAfter(batchTime).stream().map(PartitionWindows::earliestHold).toList());
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
      BoundedWindow window, WindowingStrategy<?, ?> windowing, Instant arrival) {
    return LateDataUtils.garbageCollectionTime(window, windowing).isBefore(arrival);
  }

  /**
   * Merges each key's new accumulators into its open windows, then fires the windows now closed.
   */
  private List<WindowedValue<KV<K, OutputT>>> fire(
      PartitionWindows<K, AccumT> windows,
      Iterator<Pair<Object, List<WindowAccumulation<K, AccumT>>>> values) {
    Instant watermark = clocks.inputWatermark();
    while (values.hasNext()) {
      Pair<Object, List<WindowAccumulation<K, AccumT>>> key = values.next();
      for (WindowAccumulation<K, AccumT> partial : key.value()) {
        windows.add(key.key(), partial);
      }
    }
    List<WindowAccumulation<K, AccumT>> closed = windows.closeBefore(watermark);
    List<WindowedValue<KV<K, OutputT>>> panes = new ArrayList<>(closed.size());
    for (WindowAccumulation<K, AccumT> window : closed) {
      panes.add(window.onlyPane(fn));
    }
    return panes;
  }

  /** The state checkpoints keep: every open window, and the input watermark after the batch. */
  private CheckpointedState checkpointed(WindowAccumulationsCoder<K, AccumT> coder) {
    return new CheckpointedState() {
      @Override
      public byte[] snapshot(long batchTime) throws IOException {
        List<WindowAccumulation<K, AccumT>> open = new ArrayList<>();
        keys.statesAfter(batchTime).forEach(windows -> open.addAll(windows.windows()));
        return coder.encode(new WindowAccumulationsCoder.Snapshot<>(clocks.inputWatermark(), open));
      }

      @Override
      public void restore(byte[] snapshot) throws IOException {
        WindowAccumulationsCoder.Snapshot<K, AccumT> restored = coder.decode(snapshot);
        clocks.resumeAt(restored.inputWatermark());
        // the open windows come back as the first batch's partial accumulations
        keys.startWith(restored.windows());
      }
    };
  }
}
