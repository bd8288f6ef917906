package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.stream.DStream;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * GroupByKey in streaming mode: every key keeps its windows' buffered values, trigger state and
 * timers in a {@link KeyState} from batch to batch (the engine's keyed state stream), and
 * ReduceFnRunner fires panes as this batch's input watermark and processing time make them due.
 * The output watermark is held back by the earliest watermark hold of any key.
 */
final class GroupByKeyStreamTranslator<K, V> implements StreamTranslator<GroupByKey<K, V>> {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(GroupByKey<K, V> transform, StreamingTranslationContext context) {
    PCollection<KV<K, V>> input = context.input();
    Coder<K> keyCoder = ((KvCoder<K, V>) input.getCoder()).getKeyCoder();
    GroupAlsoByWindow<K, V, BoundedWindow> groupAlsoByWindow =
        GroupAlsoByWindow.of(input, context.options());
    BatchClocks clocks = new BatchClocks(context.watermark(input), context.streaming().clock());
    DStream<Pair<Object, GroupedKey<K, V>>> keys =
        context
            .<KV<K, V>>stream(input)
            .transform(clocks::onInputGenerated)
            .updateStateByKey(
                wv -> keyCoder.structuralValue(wv.getValue().getKey()),
                wv -> wv,
                (batchTime, structuralKey, values, state) -> {
                  GroupedKey<K, V> key =
                      state.orElseGet(
                          () ->
                              new GroupedKey<>(
                                  new KeyState<>(
                                      values.get(0).getValue().getKey(), clocks.processingTime())));
                  key.process(groupAlsoByWindow, batchTime, values, clocks);
                  return key.isDone() ? Optional.empty() : Optional.of(key);
                });
    context.setOutput(
        keys.transform((d, time) -> d.flatMap(k -> k.value().panesOf(time))),
        new HeldWatermark(
            clocks, time -> keys.getOrCompute(time).map(k -> k.value().state.earliestHold()).collect()));
  }

  /** A key's state and the panes it fired in the last batch it was updated in. */
  private static final class GroupedKey<K, V> {
    private final KeyState<K> state;
    private long batchTime;
    private List<WindowedValue<KV<K, Iterable<V>>>> panes = List.of();

    GroupedKey(KeyState<K> state) {
      this.state = state;
    }

    void process(
        GroupAlsoByWindow<K, V, BoundedWindow> groupAlsoByWindow,
        long batchTime,
        List<WindowedValue<KV<K, V>>> values,
        BatchClocks clocks) {
      try {
        this.panes =
            groupAlsoByWindow.process(
                state, values, clocks.inputWatermark(), clocks.processingTime());
        this.batchTime = batchTime;
      } catch (Exception e) {
        throw UserCodeException.wrapIf(!(e instanceof RuntimeException), e);
      }
    }

    List<WindowedValue<KV<K, Iterable<V>>>> panesOf(long time) {
      return time == batchTime ? panes : List.of();
    }

    /** Nothing left to remember: no state, no timer, and this batch's panes are out. */
    boolean isDone() {
      return state.isEmpty() && panes.isEmpty();
    }
  }
}
