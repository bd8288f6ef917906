package dev.microbatch.runner.execution.state;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.PartitionStateDStream;
import dev.microbatch.engine.stream.PartitionStateFunction;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.windowing.HeldWatermark;
import dev.microbatch.runner.execution.windowing.MicroBatchClocks;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A keyed transform in streaming mode (GroupByKey, stateful ParDo, splittable DoFn): every key
 * keeps a {@link KeyState} from batch to batch, in place in its partition (the engine's partition
 * state stream, as Spark's mapWithState), and every batch the partition's keys that have new values
 * or timers due (see {@link PartitionKeys}) run as one bundle, with this batch's input watermark
 * and processing time. The output watermark is the input's, held back by the earliest hold of any
 * key.
 */
@Internal
public final class KeyedStreamStep<K, V, OutputT> {

  /** The keys of one partition of one batch. */
  @FunctionalInterface
  public interface Bundle<K, V, OutputT> {
    /** Processes one key's new values (maybe none), then fires what the clocks make due. */
    List<OutputT> process(
        KeyState<K> key, List<WindowedValue<KV<K, V>>> values, Instant watermark, Instant now)
        throws Exception;

    /** Ends the bundle; returns what ending it output. */
    default List<OutputT> finish() throws Exception {
      return List.of();
    }
  }

  /** Starts the bundles of the step's tasks, batch by batch. */
  @FunctionalInterface
  public interface Bundles<K, V, OutputT> {
    Bundle<K, V, OutputT> start(long batchTime, TaskContext task);

    /** The broadcasts the batch's bundles read, asked on the batch thread before they start. */
    default List<Broadcast<?>> broadcasts(long batchTime) {
      return List.of();
    }
  }

  private final MicroBatchClocks clocks;
  private final PartitionStateDStream<Object, Object, Object, PartitionKeys<K>, OutputT> keys;
  private final Function<K, Object> structuralKey;
  private final DStream<OutputT> output;
  private final PCollectionWatermark watermark;

  /**
   * @param bundles starts the bundle of a task
   * @param holdOf what holds back the output watermark in a key's state
   */
  public static <K, V, OutputT> KeyedStreamStep<K, V, OutputT> of(
      PCollection<KV<K, V>> input,
      StreamingStepEnvironment context,
      Bundles<K, V, OutputT> bundles,
      Function<KeyState<K>, Instant> holdOf) {
    return of(
        context.stream(input), (KvCoder<K, V>) input.getCoder(), input, context, bundles, holdOf);
  }

  /**
   * Over {@code records}, which carry {@code input}'s keys, windows and watermark but values of
   * their own, encoded with {@code coder} (a lifted Combine's partial accumulators).
   */
  public static <K, V, OutputT> KeyedStreamStep<K, V, OutputT> of(
      DStream<WindowedValue<KV<K, V>>> records,
      KvCoder<K, V> coder,
      PCollection<?> input,
      StreamingStepEnvironment context,
      Bundles<K, V, OutputT> bundles,
      Function<KeyState<K>, Instant> holdOf) {
    KeyedStreamStep<K, V, OutputT> step =
        new KeyedStreamStep<>(
            records,
            coder.getKeyCoder()::structuralValue,
            context.watermark(input),
            context.processingTime(),
            bundles,
            holdOf);
    context.checkpointed(
        step.checkpointed(
            new KeyStateCoder<>(
                coder.getKeyCoder(),
                coder,
                input.getWindowingStrategy().getWindowFn().windowCoder())));
    return step;
  }

  /** Over a stream of key-value records; {@code structuralKey} gives Beam's key equality. */
  @SuppressWarnings("unchecked")
  public KeyedStreamStep(
      DStream<WindowedValue<KV<K, V>>> input,
      Function<K, Object> structuralKey,
      PCollectionWatermark inputWatermark,
      Supplier<Instant> processingTime,
      Bundles<K, V, OutputT> bundles,
      Function<KeyState<K>, Instant> holdOf) {
    this.clocks = new MicroBatchClocks(inputWatermark, processingTime);
    this.structuralKey = structuralKey;
    // records are the input's values and, in the first batch after a restore, the keys' states
    DStream<Object> records =
        (DStream<Object>) (DStream<?>) input.transform(clocks::onInputGenerated);
    this.keys =
        records.updatePartitionState(
            this::structuralKeyOf,
            record -> record,
            new PartitionStateFunction<>() {
              @Override
              public PartitionKeys<K> newState() {
                return new PartitionKeys<>(holdOf);
              }

              @Override
              public List<OutputT> update(
                  long batchTime,
                  PartitionKeys<K> partition,
                  Iterator<Pair<Object, List<Object>>> values,
                  TaskContext task) {
                return runBatch(partition, values, () -> bundles.start(batchTime, task));
              }

              @Override
              public List<Broadcast<?>> broadcasts(long batchTime) {
                return bundles.broadcasts(batchTime);
              }
            });
    this.output = keys.outputs();
    this.watermark =
        new HeldWatermark(
            clocks,
            batchTime ->
                keys.statesAfter(batchTime).stream().map(PartitionKeys::earliestHold).toList());
  }

  @SuppressWarnings("unchecked")
  private Object structuralKeyOf(Object record) {
    K key =
        record instanceof KeyState<?> restored
            ? (K) restored.key()
            : ((WindowedValue<KV<K, V>>) record).getValue().getKey();
    return structuralKey.apply(key);
  }

  /** The state checkpoints keep: every key's, and the input watermark after the batch. */
  private CheckpointedState checkpointed(KeyStateCoder<K> coder) {
    return new CheckpointedState() {
      @Override
      public byte[] snapshot(long batchTime) throws IOException {
        List<KeyState<K>> states = new ArrayList<>();
        keys.statesAfter(batchTime).forEach(partition -> states.addAll(partition.states()));
        return coder.encode(new KeyStateCoder.Snapshot<>(clocks.inputWatermark(), states));
      }

      @Override
      public void restore(byte[] snapshot) throws IOException {
        KeyStateCoder.Snapshot<K> restored = coder.decode(snapshot);
        clocks.resumeAt(restored.inputWatermark());
        keys.startWith(new ArrayList<>(restored.keys()));
      }
    };
  }

  public DStream<OutputT> output() {
    return output;
  }

  public PCollectionWatermark watermark() {
    return watermark;
  }

  /**
   * Runs the partition's keys that the batch must run (see {@link PartitionKeys}) as one bundle,
   * each with its new values, and returns what they output.
   */
  @SuppressWarnings("unchecked")
  private List<OutputT> runBatch(
      PartitionKeys<K> partition,
      Iterator<Pair<Object, List<Object>>> records,
      Supplier<Bundle<K, V, OutputT>> bundles) {
    Instant watermark = clocks.inputWatermark();
    Instant now = clocks.processingTime();
    Map<Object, List<Object>> toRun =
        partition.toRun(restoring(partition, records), watermark, now);
    if (toRun.isEmpty()) {
      return List.of();
    }
    List<OutputT> outputs = new ArrayList<>();
    List<Pair<Object, KeyState<K>>> ran = new ArrayList<>(toRun.size());
    try {
      Bundle<K, V, OutputT> bundle = bundles.get();
      for (Map.Entry<Object, List<Object>> key : toRun.entrySet()) {
        List<WindowedValue<KV<K, V>>> values =
            (List<WindowedValue<KV<K, V>>>) (List<?>) key.getValue();
        KeyState<K> state = partition.stateOf(key.getKey());
        if (state == null) {
          state =
              new KeyState<>(
                  values.get(0).getValue().getKey(), clocks.previousInputWatermark(), now);
        } else if (state.waiting().isEmpty()) {
          // A key that did not run in the batches before catches up with them (nothing of it came
          // due meanwhile): its new values meet the watermark of the batch before, as a key that
          // ran in every batch does. A key with waiting values runs every batch, its event-time
          // clock held back by them.
          KeyTimers.advanceClocks(state.timers(), clocks.previousInputWatermark(), now);
        }
        // Timers set while the new values are processed count from this batch's processing time.
        KeyTimers.advanceProcessingTime(state.timers(), now);
        KeyTimers.advanceOutputWatermark(state.timers(), clocks.previousOutputWatermark());
        outputs.addAll(bundle.process(state, values, watermark, now));
        ran.add(new Pair<>(key.getKey(), state));
      }
      outputs.addAll(bundle.finish());
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
    for (Pair<Object, KeyState<K>> key : ran) {
      key.value().forgetClearedState();
      partition.ran(key.key(), key.value());
    }
    return outputs;
  }

  /**
   * The keys' new values, without the keys' states restored from a checkpoint (in the first batch
   * after a restore), which go back into {@code partition}.
   */
  @SuppressWarnings("unchecked")
  private static <K> Iterator<Pair<Object, List<Object>>> restoring(
      PartitionKeys<K> partition, Iterator<Pair<Object, List<Object>>> records) {
    List<Pair<Object, List<Object>>> values = new ArrayList<>();
    records.forEachRemaining(
        key -> {
          if (!restoresState(key.value())) {
            values.add(key);
            return;
          }
          List<Object> windowedValues = new ArrayList<>();
          for (Object record : key.value()) {
            if (record instanceof KeyState<?> restored) {
              partition.restore(key.key(), (KeyState<K>) restored);
            } else {
              windowedValues.add(record);
            }
          }
          values.add(new Pair<>(key.key(), windowedValues));
        });
    return values.iterator();
  }

  private static boolean restoresState(List<Object> records) {
    for (Object record : records) {
      if (record instanceof KeyState<?>) {
        return true;
      }
    }
    return false;
  }
}
