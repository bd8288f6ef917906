package dev.microbatch.runner.execution.shuffle;

import dev.microbatch.engine.shuffle.KeyGroup;
import dev.microbatch.engine.shuffle.RecordSerializer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * A GroupByKey's values in one window each, as the engine's sort shuffle writes them: the key's
 * encoding (and the window's, outside the global window) is the shuffle key, so values group
 * exactly when their keys' encodings are equal, Beam's key equality; the value's encoding is the
 * value. Each key and window comes out as its one on-time pane, at the end of its window: for
 * windows that do not merge, the default trigger and the end-of-window timestamp combiner only.
 */
public final class GroupByKeyBytes<K, V> implements RecordSerializer<WindowedValue<KV<K, V>>> {
  private final Coder<K> keyCoder;
  private final Coder<V> valueCoder;
  private final Coder<BoundedWindow> windowCoder;

  /**
   * @param windowCoder the windows' coder, or null in the global window (where the key alone is the
   *     shuffle key)
   */
  public GroupByKeyBytes(Coder<K> keyCoder, Coder<V> valueCoder, Coder<BoundedWindow> windowCoder) {
    this.keyCoder = keyCoder;
    this.valueCoder = valueCoder;
    this.windowCoder = windowCoder;
  }

  @Override
  public void writeKey(WindowedValue<KV<K, V>> record, OutputStream out) throws IOException {
    keyCoder.encode(record.getValue().getKey(), out);
    if (windowCoder != null) {
      windowCoder.encode(record.getWindows().iterator().next(), out);
    }
  }

  @Override
  public void writeValue(WindowedValue<KV<K, V>> record, OutputStream out) throws IOException {
    valueCoder.encode(record.getValue().getValue(), out);
  }

  /** The pane of one key and window: its key and window decoded, and every value. */
  public WindowedValue<KV<K, Iterable<V>>> pane(KeyGroup group) {
    try {
      InputStream keyAndWindow = new ByteArrayInputStream(group.key());
      K key = keyCoder.decode(keyAndWindow);
      BoundedWindow window =
          windowCoder == null ? GlobalWindow.INSTANCE : windowCoder.decode(keyAndWindow);
      List<V> values = new ArrayList<>(group.count());
      InputStream in = new ByteArrayInputStream(group.values());
      for (int i = 0; i < group.count(); i++) {
        values.add(valueCoder.decode(in));
      }
      return WindowedValues.of(
          KV.of(key, values), window.maxTimestamp(), window, PaneInfo.ON_TIME_AND_ONLY_FIRING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode a GroupByKey's key or values", e);
    }
  }
}
