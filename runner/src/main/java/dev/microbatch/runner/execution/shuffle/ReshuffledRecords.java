package dev.microbatch.runner.execution.shuffle;

import dev.microbatch.engine.dataset.Dataset;
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
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * Reshuffle (and Redistribute.byKey, expanded the same way) as a repartition: each record is
 * encoded whole (value, timestamp, windows, pane) into the engine's sort shuffle under its key's
 * bytes and decoded on the other side as it went in, which is what Beam's expansion gives back
 * after its GroupByKey (its RestoreMetadata step) without a ReduceFnRunner for every key. Beam's
 * Flink and Spark runners translate Reshuffle as a repartition too; like them, and like Beam's own
 * expansion, it runs each record through its coder, so a coder that cannot encode or decode its
 * records fails here.
 */
public final class ReshuffledRecords<K, V> implements RecordSerializer<WindowedValue<KV<K, V>>> {
  private final Coder<K> keyCoder;
  private final Coder<WindowedValue<KV<K, V>>> recordCoder;

  /** The records of {@code input}, the input of a Reshuffle, encoded with its coders. */
  public ReshuffledRecords(PCollection<KV<K, V>> input) {
    this.keyCoder = ((KvCoder<K, V>) input.getCoder()).getKeyCoder();
    @SuppressWarnings("unchecked")
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) input.getWindowingStrategy().getWindowFn().windowCoder();
    this.recordCoder = WindowedValues.getFullCoder(input.getCoder(), windowCoder);
  }

  /**
   * Whether {@code transform}'s output is its input's records as they were. A Reshuffle in a
   * pipeline that asks for update compatibility with an older Beam may get the expansion of Beam
   * 2.53, whose records carry the panes of its GroupByKey; that one is expanded and translated as
   * it is.
   */
  public static boolean restoresEachRecord(PTransform<?, ?> transform, PCollection<?> input) {
    return !(transform instanceof Reshuffle)
        || input
                .getPipeline()
                .getOptions()
                .as(StreamingOptions.class)
                .getUpdateCompatibilityVersion()
            == null;
  }

  /** {@code records} repartitioned by key into {@code parallelism} partitions. */
  public Dataset<WindowedValue<KV<K, V>>> repartition(
      Dataset<WindowedValue<KV<K, V>>> records, int parallelism) {
    return records.groupByKeyBytes(this, parallelism).flatMap(this::records);
  }

  @Override
  public void writeKey(WindowedValue<KV<K, V>> record, OutputStream out) throws IOException {
    keyCoder.encode(record.getValue().getKey(), out);
  }

  @Override
  public void writeValue(WindowedValue<KV<K, V>> record, OutputStream out) throws IOException {
    recordCoder.encode(record, out);
  }

  private List<WindowedValue<KV<K, V>>> records(KeyGroup group) {
    List<WindowedValue<KV<K, V>>> records = new ArrayList<>(group.count());
    InputStream in = new ByteArrayInputStream(group.values());
    try {
      for (int i = 0; i < group.count(); i++) {
        records.add(recordCoder.decode(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode a record of a Reshuffle", e);
    }
    return records;
  }
}
