package dev.microbatch.runner.execution.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateBinder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.CombineWithContext;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * The contents of one state cell as bytes, for checkpoints: encoded and decoded with the coders its
 * StateSpec declares, which the spec hands over when bound (as it does to the binders that create
 * state).
 */
final class StateContents {
  private StateContents() {}

  /** Encodes and decodes the contents of the cells of one tag. */
  interface Codec {
    byte[] encode(State state) throws CoderException;

    /** Adds {@code bytes}' contents to {@code state}, a new, empty cell of the same tag. */
    void decodeInto(byte[] bytes, State state) throws CoderException;
  }

  static Codec of(StateTag<?> tag) {
    CodecBinder binder = new CodecBinder();
    tag.getSpec().bind(tag.getId(), binder);
    return binder.codec;
  }

  /** Binding a spec captures its coders in a codec; it creates no state. */
  private static final class CodecBinder implements StateBinder {
    private Codec codec;

    @Override
    public <T> ValueState<T> bindValue(String id, StateSpec<ValueState<T>> spec, Coder<T> coder) {
      Coder<T> values = NullableCoder.of(coderOf(id, coder));
      codec =
          new Codec() {
            @Override
            @SuppressWarnings("unchecked")
            public byte[] encode(State state) throws CoderException {
              return CoderUtils.encodeToByteArray(values, ((ValueState<T>) state).read());
            }

            @Override
            @SuppressWarnings("unchecked")
            public void decodeInto(byte[] bytes, State state) throws CoderException {
              ((ValueState<T>) state).write(CoderUtils.decodeFromByteArray(values, bytes));
            }
          };
      return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> BagState<T> bindBag(String id, StateSpec<BagState<T>> spec, Coder<T> elemCoder) {
      codec =
          elements(
              coderOf(id, elemCoder),
              s -> ((BagState<T>) s).read(),
              (s, e) -> ((BagState<T>) s).add(e));
      return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> SetState<T> bindSet(String id, StateSpec<SetState<T>> spec, Coder<T> elemCoder) {
      codec =
          elements(
              coderOf(id, elemCoder),
              s -> ((SetState<T>) s).read(),
              (s, e) -> ((SetState<T>) s).add(e));
      return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <KeyT, ValueT> MapState<KeyT, ValueT> bindMap(
        String id,
        StateSpec<MapState<KeyT, ValueT>> spec,
        Coder<KeyT> mapKeyCoder,
        Coder<ValueT> mapValueCoder) {
      codec =
          entries(
              KvCoder.of(coderOf(id, mapKeyCoder), coderOf(id, mapValueCoder)),
              s -> ((MapState<KeyT, ValueT>) s).entries().read(),
              (s, kv) -> ((MapState<KeyT, ValueT>) s).put(kv.getKey(), kv.getValue()));
      return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> OrderedListState<T> bindOrderedList(
        String id, StateSpec<OrderedListState<T>> spec, Coder<T> elemCoder) {
      codec =
          elements(
              TimestampedValue.TimestampedValueCoder.of(coderOf(id, elemCoder)),
              s -> ((OrderedListState<T>) s).read(),
              (s, e) -> ((OrderedListState<T>) s).add(e));
      return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <KeyT, ValueT> MultimapState<KeyT, ValueT> bindMultimap(
        String id,
        StateSpec<MultimapState<KeyT, ValueT>> spec,
        Coder<KeyT> keyCoder,
        Coder<ValueT> valueCoder) {
      codec =
          entries(
              KvCoder.of(coderOf(id, keyCoder), coderOf(id, valueCoder)),
              s -> ((MultimapState<KeyT, ValueT>) s).entries().read(),
              (s, kv) -> ((MultimapState<KeyT, ValueT>) s).put(kv.getKey(), kv.getValue()));
      return null;
    }

    @Override
    public <InputT, AccumT, OutputT> CombiningState<InputT, AccumT, OutputT> bindCombining(
        String id,
        StateSpec<CombiningState<InputT, AccumT, OutputT>> spec,
        Coder<AccumT> accumCoder,
        Combine.CombineFn<InputT, AccumT, OutputT> combineFn) {
      codec = accumulator(coderOf(id, accumCoder));
      return null;
    }

    @Override
    public <InputT, AccumT, OutputT>
        CombiningState<InputT, AccumT, OutputT> bindCombiningWithContext(
            String id,
            StateSpec<CombiningState<InputT, AccumT, OutputT>> spec,
            Coder<AccumT> accumCoder,
            CombineWithContext.CombineFnWithContext<InputT, AccumT, OutputT> combineFn) {
      codec = accumulator(coderOf(id, accumCoder));
      return null;
    }

    @Override
    public WatermarkHoldState bindWatermark(
        String id, StateSpec<WatermarkHoldState> spec, TimestampCombiner timestampCombiner) {
      codec =
          new Codec() {
            @Override
            public byte[] encode(State state) throws CoderException {
              return CoderUtils.encodeToByteArray(
                  InstantCoder.of(), ((WatermarkHoldState) state).read());
            }

            @Override
            public void decodeInto(byte[] bytes, State state) throws CoderException {
              ((WatermarkHoldState) state)
                  .add(CoderUtils.decodeFromByteArray(InstantCoder.of(), bytes));
            }
          };
      return null;
    }
  }

  /** A cell of elements (bag, set, ordered list, map entries) as a list of them. */
  private static <E> Codec elements(
      Coder<E> elementCoder, Function<State, Iterable<E>> read, BiConsumer<State, E> add) {
    ListCoder<E> list = ListCoder.of(elementCoder);
    return new Codec() {
      @Override
      public byte[] encode(State state) throws CoderException {
        List<E> elements = new ArrayList<>();
        read.apply(state).forEach(elements::add);
        return CoderUtils.encodeToByteArray(list, elements);
      }

      @Override
      public void decodeInto(byte[] bytes, State state) throws CoderException {
        CoderUtils.decodeFromByteArray(list, bytes).forEach(e -> add.accept(state, e));
      }
    };
  }

  /** A combining cell as its accumulator, merged into the new cell's empty one on restore. */
  private static <AccumT> Codec accumulator(Coder<AccumT> accumCoder) {
    return new Codec() {
      @Override
      @SuppressWarnings("unchecked")
      public byte[] encode(State state) throws CoderException {
        return CoderUtils.encodeToByteArray(
            accumCoder, ((CombiningState<?, AccumT, ?>) state).getAccum());
      }

      @Override
      @SuppressWarnings("unchecked")
      public void decodeInto(byte[] bytes, State state) throws CoderException {
        ((CombiningState<?, AccumT, ?>) state)
            .addAccum(CoderUtils.decodeFromByteArray(accumCoder, bytes));
      }
    };
  }

  /** A map or multimap cell as the list of its entries. */
  private static <K, V> Codec entries(
      KvCoder<K, V> entryCoder,
      Function<State, Iterable<Map.Entry<K, V>>> read,
      BiConsumer<State, KV<K, V>> put) {
    return elements(
        entryCoder,
        s -> {
          List<KV<K, V>> kvs = new ArrayList<>();
          read.apply(s).forEach(e -> kvs.add(KV.of(e.getKey(), e.getValue())));
          return kvs;
        },
        put);
  }

  private static <T> Coder<T> coderOf(String id, Coder<T> coder) {
    if (coder == null) {
      throw new IllegalStateException(
          "State "
              + id
              + " has no coder, so checkpoints cannot keep it; give its StateSpec a coder");
    }
    return coder;
  }
}
