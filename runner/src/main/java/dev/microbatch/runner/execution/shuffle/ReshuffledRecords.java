package dev.microbatch.runner.execution.shuffle;

import dev.microbatch.engine.dataset.Dataset;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * Reshuffle as a repartition: the records move through the engine's hash shuffle by key and come
 * out each as it went in (value, timestamp, windows, pane), which is what Beam's expansion gives
 * back after its GroupByKey (its RestoreMetadata step) without a ReduceFnRunner for every key.
 * Beam's Flink and Spark runners translate Reshuffle as a repartition too.
 */
public final class ReshuffledRecords {
  private ReshuffledRecords() {}

  /**
   * Whether {@code transform}'s output is its input's records as they were. A pipeline that asks
   * for update compatibility with an older Beam may get the expansion of Beam 2.53, whose records
   * carry the panes of its GroupByKey; that one is expanded and translated as it is.
   */
  public static boolean restoresEachRecord(PCollection<?> input) {
    return input
            .getPipeline()
            .getOptions()
            .as(StreamingOptions.class)
            .getUpdateCompatibilityVersion()
        == null;
  }

  /** {@code records} of {@code input}, the input of a {@link Reshuffle}, repartitioned by key. */
  public static <K, V> Dataset<WindowedValue<KV<K, V>>> of(
      Dataset<WindowedValue<KV<K, V>>> records, PCollection<KV<K, V>> input, int parallelism) {
    Coder<K> keyCoder = ((KvCoder<K, V>) input.getCoder()).getKeyCoder();
    Function<WindowedValue<KV<K, V>>, Object> keyOf =
        record -> keyCoder.structuralValue(record.getValue().getKey());
    return records
        .groupByKey(keyOf, parallelism, CoderSpillCodec.forElements(input, keyOf))
        .flatMap(group -> group.value());
  }
}
