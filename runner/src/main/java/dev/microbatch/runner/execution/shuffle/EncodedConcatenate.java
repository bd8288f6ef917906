package dev.microbatch.runner.execution.shuffle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.VarInt;

/**
 * A GroupByKey's values gathered in the shuffle as their coder's bytes, one growing array a key and
 * window, where runners-core's {@code Concatenate} keeps one object a value in a list. Values
 * gathered in a shuffle live until its end, so every young collection copied each of them again:
 * 10,000,000 values over a million keys spent a quarter of the run in G1's pauses. The output
 * decodes them: each value a copy, as the output of a GroupByKey on any runner that encodes its
 * shuffle.
 */
@Internal
public final class EncodedConcatenate<V> extends CombineFn<V, EncodedConcatenate.Values, List<V>> {
  private final Coder<V> coder;

  public EncodedConcatenate(Coder<V> coder) {
    this.coder = coder;
  }

  @Override
  public Values createAccumulator() {
    return new Values();
  }

  @Override
  public Values addInput(Values values, V value) {
    try {
      coder.encode(value, values);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode a GroupByKey value with " + coder, e);
    }
    values.count++;
    return values;
  }

  @Override
  public Values mergeAccumulators(Iterable<Values> accumulators) {
    Iterator<Values> each = accumulators.iterator();
    Values merged = each.next();
    while (each.hasNext()) {
      Values other = each.next();
      merged.write(other.bytes, 0, other.size);
      merged.count += other.count;
    }
    return merged;
  }

  @Override
  public List<V> extractOutput(Values values) {
    List<V> decoded = new ArrayList<>(values.count);
    InputStream in = new ByteArrayInputStream(values.bytes, 0, values.size);
    try {
      for (int i = 0; i < values.count; i++) {
        decoded.add(coder.decode(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode a GroupByKey value with " + coder, e);
    }
    return decoded;
  }

  @Override
  public Coder<Values> getAccumulatorCoder(CoderRegistry registry, Coder<V> inputCoder) {
    return ValuesCoder.INSTANCE;
  }

  /** The encoded values of one key and window: the stream a value's coder writes to. */
  static final class Values extends OutputStream {
    private byte[] bytes = new byte[16];
    private int size;
    private int count;

    @Override
    public void write(int b) {
      grow(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      grow(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void grow(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
      }
    }
  }

  /** Spills and checkpoints a {@link Values}: its count, then its bytes. */
  private static final class ValuesCoder extends AtomicCoder<Values> {
    static final ValuesCoder INSTANCE = new ValuesCoder();

    @Override
    public void encode(Values values, OutputStream out) throws IOException {
      VarInt.encode(values.count, out);
      VarInt.encode(values.size, out);
      out.write(values.bytes, 0, values.size);
    }

    @Override
    public Values decode(InputStream in) throws IOException {
      Values values = new Values();
      values.count = VarInt.decodeInt(in);
      int size = VarInt.decodeInt(in);
      values.bytes = in.readNBytes(size);
      if (values.bytes.length != size) {
        throw new IOException(
            "GroupByKey values cut short: " + values.bytes.length + " of " + size + " bytes");
      }
      values.size = size;
      return values;
    }
  }
}
