package dev.microbatch.runner.execution.combine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The open windows of a {@link SinglePaneCombineStep} as bytes, for checkpoints: the step's input
 * watermark, then each key's accumulator in each window with its output timestamp.
 */
final class WindowAccumulationsCoder<K, AccumT> {
  private final WindowAccumulationCoder<K, AccumT> accumulationCoder;

  /** The open windows of a step, and the step's input watermark, as a snapshot had them. */
  record Snapshot<K, AccumT>(Instant inputWatermark, List<WindowAccumulation<K, AccumT>> windows) {}

  WindowAccumulationsCoder(
      Coder<K> keyCoder, Coder<BoundedWindow> windowCoder, Coder<AccumT> accumulatorCoder) {
    this.accumulationCoder = new WindowAccumulationCoder<>(keyCoder, windowCoder, accumulatorCoder);
  }

  byte[] encode(Snapshot<K, AccumT> snapshot) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InstantCoder.of().encode(snapshot.inputWatermark(), out);
    VarIntCoder.of().encode(snapshot.windows().size(), out);
    for (WindowAccumulation<K, AccumT> window : snapshot.windows()) {
      accumulationCoder.encode(window, out);
    }
    return out.toByteArray();
  }

  Snapshot<K, AccumT> decode(byte[] bytes) throws IOException {
    InputStream in = new ByteArrayInputStream(bytes);
    Instant inputWatermark = InstantCoder.of().decode(in);
    List<WindowAccumulation<K, AccumT>> windows = new ArrayList<>();
    for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
      windows.add(accumulationCoder.decode(in));
    }
    return new Snapshot<>(inputWatermark, windows);
  }
}
