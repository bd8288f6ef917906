package dev.microbatch.runner.execution.shuffle;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.shuffle.ShuffleCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * How a shuffle spills what crosses it (an element, or a lifted Combine's accumulation): with its
 * Beam coder. Only the record is written; its shuffle key, a function of it, is computed again when
 * it is read back.
 */
@Internal
public final class CoderSpillCodec<K, X> implements ShuffleCodec<K, X> {
  private final Coder<X> coder;
  private final Function<X, K> keyOf;

  public CoderSpillCodec(Coder<X> coder, Function<X, K> keyOf) {
    this.coder = coder;
    this.keyOf = keyOf;
  }

  /** Elements of {@code input}, with its windowed-value coder, keyed by {@code keyOf}. */
  @SuppressWarnings("unchecked")
  public static <K, T> CoderSpillCodec<K, WindowedValue<T>> forElements(
      PCollection<T> input, Function<WindowedValue<T>, K> keyOf) {
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) input.getWindowingStrategy().getWindowFn().windowCoder();
    return new CoderSpillCodec<>(WindowedValues.getFullCoder(input.getCoder(), windowCoder), keyOf);
  }

  @Override
  public void encode(K key, X value, OutputStream out) throws IOException {
    coder.encode(value, out);
  }

  @Override
  public Pair<K, X> decode(InputStream in) throws IOException {
    X value = coder.decode(in);
    return new Pair<>(keyOf.apply(value), value);
  }
}
