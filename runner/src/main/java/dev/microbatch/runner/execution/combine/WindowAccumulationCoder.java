package dev.microbatch.runner.execution.combine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/** One {@link WindowAccumulation}: its key, window, accumulator and (nullable) timestamp. */
@Internal
public final class WindowAccumulationCoder<K, AccumT>
    extends CustomCoder<WindowAccumulation<K, AccumT>> {
  /** An accumulation's timestamp, which is null while no value came ahead of the watermark. */
  private static final Coder<Instant> TIMESTAMP = NullableCoder.of(InstantCoder.of());

  private final Coder<K> keyCoder;
  private final Coder<BoundedWindow> windowCoder;
  private final Coder<AccumT> accumulatorCoder;

  public WindowAccumulationCoder(
      Coder<K> keyCoder, Coder<BoundedWindow> windowCoder, Coder<AccumT> accumulatorCoder) {
    this.keyCoder = keyCoder;
    this.windowCoder = windowCoder;
    this.accumulatorCoder = accumulatorCoder;
  }

  @Override
  public void encode(WindowAccumulation<K, AccumT> accumulation, OutputStream out)
      throws IOException {
    keyCoder.encode(accumulation.key, out);
    windowCoder.encode(accumulation.window, out);
    accumulatorCoder.encode(accumulation.accumulator, out);
    TIMESTAMP.encode(accumulation.timestamp, out);
  }

  @Override
  public WindowAccumulation<K, AccumT> decode(InputStream in) throws IOException {
    return new WindowAccumulation<>(
        keyCoder.decode(in),
        windowCoder.decode(in),
        accumulatorCoder.decode(in),
        TIMESTAMP.decode(in));
  }

  // Beam's coder contract: a coder equals its serialized copy (CoderProperties.coderSerializable).
  @Override
  public boolean equals(Object other) {
    return other instanceof WindowAccumulationCoder<?, ?> that
        && keyCoder.equals(that.keyCoder)
        && windowCoder.equals(that.windowCoder)
        && accumulatorCoder.equals(that.accumulatorCoder);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyCoder, windowCoder, accumulatorCoder);
  }
}
