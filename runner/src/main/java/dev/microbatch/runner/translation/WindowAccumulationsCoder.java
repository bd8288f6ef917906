package dev.microbatch.runner.translation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The open windows of a {@link SinglePaneCombineStep} as bytes, for checkpoints: the step's
 * input watermark, then each key's accumulator in each window with its output timestamp.
 */
final class WindowAccumulationsCoder<K, AccumT> {
  private final Coder<K> keyCoder;
  private final Coder<BoundedWindow> windowCoder;
  private final Coder<AccumT> accumulatorCoder;

  /** The open windows of a step, and the step's input watermark, as a snapshot had them. */
  /** An accumulation's timestamp, which is null while no value came ahead of the watermark. */
  private static final Coder<Instant> TIMESTAMP = NullableCoder.of(InstantCoder.of());

  record Snapshot<K, AccumT>(Instant inputWatermark, List<WindowAccumulation<K, AccumT>> windows) {}

  WindowAccumulationsCoder(Coder<K> keyCoder, Coder<BoundedWindow> windowCoder, Coder<AccumT> accumulatorCoder) {
    this.keyCoder = keyCoder;
    this.windowCoder = windowCoder;
    this.accumulatorCoder = accumulatorCoder;
  }

  byte[] encode(Snapshot<K, AccumT> snapshot) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InstantCoder.of().encode(snapshot.inputWatermark(), out);
    VarIntCoder.of().encode(snapshot.windows().size(), out);
    for (WindowAccumulation<K, AccumT> window : snapshot.windows()) {
      keyCoder.encode(window.key, out);
      windowCoder.encode(window.window, out);
      accumulatorCoder.encode(window.accumulator, out);
      TIMESTAMP.encode(window.timestamp, out);
    }
    return out.toByteArray();
  }

  Snapshot<K, AccumT> decode(byte[] bytes) throws IOException {
    InputStream in = new ByteArrayInputStream(bytes);
    Instant inputWatermark = InstantCoder.of().decode(in);
    List<WindowAccumulation<K, AccumT>> windows = new ArrayList<>();
    for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
      windows.add(
          new WindowAccumulation<>(
              keyCoder.decode(in), windowCoder.decode(in), accumulatorCoder.decode(in), TIMESTAMP.decode(in)));
    }
    return new Snapshot<>(inputWatermark, windows);
  }
}
