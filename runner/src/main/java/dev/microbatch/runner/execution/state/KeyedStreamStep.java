package dev.microbatch.runner.execution.state;

import dev.microbatch.engine.checkpoint.CheckpointedState;
import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.PartitionStateUpdateFunction;
import dev.microbatch.engine.stream.PartitionStateUpdateFunction.KeyUpdate;
import dev.microbatch.engine.stream.StateDStream;
import dev.microbatch.runner.execution.StreamingStepEnvironment;
import dev.microbatch.runner.execution.windowing.HeldWatermark;
import dev.microbatch.runner.execution.windowing.MicroBatchClocks;
import dev.microbatch.runner.execution.windowing.PCollectionWatermark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
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
 * A keyed transform in streaming mode (GroupByKey, stateful ParDo): every key keeps a {@link
 * KeyState} from batch to batch in the engine's keyed state stream, and every batch each
 * partition's keys run as one bundle, with this batch's input watermark and processing time. The
 * output watermark is the input's, held back by the earliest hold of any key.
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
  private final StateDStream<
          WindowedValue<KV<K, V>>,
          Object,
          WindowedValue<KV<K, V>>,
          KeyOutputs<KeyState<K>, OutputT>>
      keys;
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
  public KeyedStreamStep(
      DStream<WindowedValue<KV<K, V>>> input,
      Function<K, Object> structuralKey,
      PCollectionWatermark inputWatermark,
      Supplier<Instant> processingTime,
      Bundles<K, V, OutputT> bundles,
      Function<KeyState<K>, Instant> holdOf) {
    this.clocks = new MicroBatchClocks(inputWatermark, processingTime);
    this.structuralKey = structuralKey;
    this.keys =
        input
            .transform(clocks::onInputGenerated)
            .updateStateByKey(
                wv -> structuralKey.apply(wv.getValue().getKey()),
                wv -> wv,
                new PartitionStateUpdateFunction<>() {
                  @Override
                  public Iterator<Pair<Object, KeyOutputs<KeyState<K>, OutputT>>> update(
                      long batchTime,
                      Iterator<
                              KeyUpdate<
                                  Object,
                                  WindowedValue<KV<K, V>>,
                                  KeyOutputs<KeyState<K>, OutputT>>>
                          keys,
                      TaskContext task) {
                    return runBundle(batchTime, keys, () -> bundles.start(batchTime, task), clocks);
                  }

                  @Override
                  public List<Broadcast<?>> broadcasts(long batchTime) {
                    return bundles.broadcasts(batchTime);
                  }
                });
    this.output = keys.transform((d, time) -> d.flatMap(k -> k.value().outputsOf(time)));
    this.watermark = HeldWatermark.overKeys(clocks, keys, k -> holdOf.apply(k.value().state));
  }

  /** The state checkpoints keep: every key's, and the input watermark after the batch. */
  private CheckpointedState checkpointed(KeyStateCoder<K> coder) {
    return new CheckpointedState() {
      @Override
      public byte[] snapshot(long batchTime) throws IOException {
        List<KeyState<K>> states = new ArrayList<>();
        keys.stateAfter(batchTime).forEach(key -> states.add(key.value().state));
        return coder.encode(new KeyStateCoder.Snapshot<>(clocks.inputWatermark(), states));
      }

      @Override
      public void restore(byte[] snapshot) throws IOException {
        KeyStateCoder.Snapshot<K> restored = coder.decode(snapshot);
        clocks.resumeAt(restored.inputWatermark());
        List<Pair<Object, KeyOutputs<KeyState<K>, OutputT>>> states = new ArrayList<>();
        for (KeyState<K> key : restored.keys()) {
          states.add(new Pair<>(structuralKey.apply(key.key()), new KeyOutputs<>(key)));
        }
        keys.startFrom(states);
      }
    };
  }

  public DStream<OutputT> output() {
    return output;
  }

  public PCollectionWatermark watermark() {
    return watermark;
  }

  private static <K, V, OutputT> Iterator<Pair<Object, KeyOutputs<KeyState<K>, OutputT>>> runBundle(
      long batchTime,
      Iterator<KeyUpdate<Object, WindowedValue<KV<K, V>>, KeyOutputs<KeyState<K>, OutputT>>>
          partition,
      Supplier<Bundle<K, V, OutputT>> bundles,
      MicroBatchClocks clocks) {
    if (!partition.hasNext()) {
      return Collections.emptyIterator();
    }
    List<Pair<Object, KeyOutputs<KeyState<K>, OutputT>>> keys = new ArrayList<>();
    try {
      Bundle<K, V, OutputT> bundle = bundles.get();
      while (partition.hasNext()) {
        KeyUpdate<Object, WindowedValue<KV<K, V>>, KeyOutputs<KeyState<K>, OutputT>> update =
            partition.next();
        KeyOutputs<KeyState<K>, OutputT> key =
            update
                .state()
                .orElseGet(
                    () ->
                        new KeyOutputs<>(
                            new KeyState<>(
                                update.values().get(0).getValue().getKey(),
                                clocks.previousInputWatermark(),
                                clocks.processingTime())));
        // Timers set while the new values are processed count from this batch's processing time.
        KeyTimers.advanceProcessingTime(key.state.timers(), clocks.processingTime());
        KeyTimers.advanceOutputWatermark(key.state.timers(), clocks.previousOutputWatermark());
        key.emitted(
            batchTime,
            bundle.process(
                key.state, update.values(), clocks.inputWatermark(), clocks.processingTime()));
        keys.add(new Pair<>(update.key(), key));
      }
      // What ending the bundle outputs goes out with the bundle's last key.
      keys.get(keys.size() - 1).value().alsoEmitted(bundle.finish());
      for (Pair<Object, KeyOutputs<KeyState<K>, OutputT>> key : keys) {
        key.value().state.forgetClearedState();
      }
    } catch (Exception e) {
      throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
    }
    keys.removeIf(k -> k.value().isDone(k.value().state.isEmpty()));
    return keys.iterator();
  }
}
