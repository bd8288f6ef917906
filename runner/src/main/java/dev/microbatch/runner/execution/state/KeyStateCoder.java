package dev.microbatch.runner.execution.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.TimerInternals.TimerDataCoderV2;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * The keys of a keyed step as bytes, for checkpoints: each key with its clocks, its pending timers,
 * its values still waiting and the state cells that hold something, each cell encoded with its
 * StateSpec's coders (see {@link StateContents}). The cells' tags, which carry those specs, are
 * written once per snapshot (Beam's StateTags are Serializable) and referred to by number.
 */
final class KeyStateCoder<K> {
  private final Coder<K> keyCoder;
  private final Coder<? extends BoundedWindow> windowCoder;
  private final Coder<List<TimerData>> timersCoder;
  private final Coder<List<WindowedValue<?>>> waitingCoder;

  /** The keys of a step, and the step's input watermark, as a snapshot had them. */
  record Snapshot<K>(Instant inputWatermark, List<KeyState<K>> keys) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  KeyStateCoder(
      Coder<K> keyCoder, Coder<?> valueCoder, Coder<? extends BoundedWindow> windowCoder) {
    this.keyCoder = keyCoder;
    this.windowCoder = windowCoder;
    this.timersCoder = ListCoder.of(TimerDataCoderV2.of(windowCoder));
    this.waitingCoder =
        (Coder) ListCoder.of(WindowedValues.getFullCoder(valueCoder, (Coder) windowCoder));
  }

  byte[] encode(Snapshot<K> snapshot) throws IOException {
    Tags tags = new Tags();
    ByteArrayOutputStream keys = new ByteArrayOutputStream();
    for (KeyState<K> key : snapshot.keys()) {
      encodeKey(key, tags, keys);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InstantCoder.of().encode(snapshot.inputWatermark(), out);
    VarIntCoder.of().encode(tags.list.size(), out);
    for (StateTag<?> tag : tags.list) {
      ByteArrayCoder.of().encode(SerializableUtils.serializeToByteArray(tag), out);
    }
    VarIntCoder.of().encode(snapshot.keys().size(), out);
    keys.writeTo(out);
    return out.toByteArray();
  }

  Snapshot<K> decode(byte[] bytes) throws IOException {
    InputStream in = new ByteArrayInputStream(bytes);
    Instant inputWatermark = InstantCoder.of().decode(in);
    List<StateTag<?>> tags = new ArrayList<>();
    for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
      tags.add(
          (StateTag<?>)
              SerializableUtils.deserializeFromByteArray(
                  ByteArrayCoder.of().decode(in), "a state tag"));
    }
    List<StateContents.Codec> codecs = tags.stream().map(StateContents::of).toList();
    List<KeyState<K>> keys = new ArrayList<>();
    for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
      keys.add(decodeKey(in, tags, codecs));
    }
    return new Snapshot<>(inputWatermark, keys);
  }

  private void encodeKey(KeyState<K> key, Tags tags, OutputStream out) throws IOException {
    keyCoder.encode(key.key(), out);
    InstantCoder.of().encode(key.timers().currentInputWatermarkTime(), out);
    InstantCoder.of().encode(key.timers().currentProcessingTime(), out);
    timersCoder.encode(new ArrayList<>(key.pendingTimers()), out);
    waitingCoder.encode(key.waiting(), out);
    Map<StateNamespace, Map<StateTag, State>> cells = key.stateInUse();
    VarIntCoder.of().encode(cells.values().stream().mapToInt(Map::size).sum(), out);
    for (Map.Entry<StateNamespace, Map<StateTag, State>> namespace : cells.entrySet()) {
      for (Map.Entry<StateTag, State> cell : namespace.getValue().entrySet()) {
        StringUtf8Coder.of().encode(namespace.getKey().stringKey(), out);
        int tag = tags.indexOf(cell.getKey());
        VarIntCoder.of().encode(tag, out);
        ByteArrayCoder.of().encode(tags.codecs.get(tag).encode(cell.getValue()), out);
      }
    }
  }

  private KeyState<K> decodeKey(
      InputStream in, List<StateTag<?>> tags, List<StateContents.Codec> codecs) throws IOException {
    K k = keyCoder.decode(in);
    Instant inputWatermark = InstantCoder.of().decode(in);
    Instant processingTime = InstantCoder.of().decode(in);
    KeyState<K> key = new KeyState<>(k, inputWatermark, processingTime);
    timersCoder.decode(in).forEach(key.timers()::setTimer);
    key.waiting().addAll(waitingCoder.decode(in));
    for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
      StateNamespace namespace =
          StateNamespaces.fromString(StringUtf8Coder.of().decode(in), windowCoder);
      int tag = VarIntCoder.of().decode(in);
      State cell = key.state().state(namespace, tags.get(tag));
      codecs.get(tag).decodeInto(ByteArrayCoder.of().decode(in), cell);
    }
    return key;
  }

  /** The tags of a snapshot's cells, numbered in order of first use, each with its codec. */
  private static final class Tags {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<StateTag<?>> list = new ArrayList<>();
    private final List<StateContents.Codec> codecs = new ArrayList<>();

    int indexOf(StateTag<?> tag) {
      return index.computeIfAbsent(
          tag.getId(),
          id -> {
            list.add(tag);
            codecs.add(StateContents.of(tag));
            return list.size() - 1;
          });
    }
  }
}
