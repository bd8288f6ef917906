package dev.microbatch.benchmarks;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Workload B2, group-heavy batch pipelines over the numbers 0 to n-1 (GenerateSequence, which every
 * runner reads), each running unchanged on every runner. Keys come from a fixed mix of the number,
 * so they arrive in no order.
 */
final class GroupHeavy {
  /** The three parts of B2. */
  enum Part {
    /** GroupByKey over a million distinct keys; per key its values' count and sum. */
    MANY_KEYS,
    /** Combine.perKey (a sum) where nine in ten elements have one of four keys. */
    HOT_KEYS,
    /** Each element looks its key up in a side input map of 100,000 names; a count per name. */
    SIDE_INPUT_JOIN
  }

  static final long MANY = 1_000_000;
  static final long HOT = 4;
  static final long COLD = 10_000;
  static final long SIDE = 100_000;
  static final long NAMES = 1_000;

  private GroupHeavy() {}

  /** A fixed 64-bit mix (SplitMix64's finalizer), non-negative. */
  static long mix(long n) {
    long z = n + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) >>> 1;
  }

  static long manyKey(long n) {
    return mix(n) % MANY;
  }

  static long hotKey(long n) {
    return n % 10 < 9 ? n % HOT : HOT + mix(n) % COLD;
  }

  static long joinKey(long n) {
    return mix(n) % SIDE;
  }

  static String name(long key) {
    return "name-" + key % NAMES;
  }

  static Pipeline build(Part part, long elements, PipelineOptions options, String output) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Long> numbers = pipeline.apply("Numbers", GenerateSequence.from(0).to(elements));
    PCollection<String> lines =
        switch (part) {
          case MANY_KEYS ->
              numbers
                  .apply("Key", MapElements.into(longs()).via((Long n) -> KV.of(manyKey(n), n)))
                  .apply(GroupByKey.create())
                  .apply(
                      "Format",
                      MapElements.into(TypeDescriptors.strings()).via(GroupHeavy::countAndSum));
          case HOT_KEYS ->
              numbers
                  .apply("Key", MapElements.into(longs()).via((Long n) -> KV.of(hotKey(n), n)))
                  .apply(Sum.longsPerKey())
                  .apply(
                      "Format",
                      MapElements.into(TypeDescriptors.strings()).via(GroupHeavy::format));
          case SIDE_INPUT_JOIN -> {
            PCollectionView<Map<Long, String>> names =
                pipeline
                    .apply("Keys", GenerateSequence.from(0).to(SIDE))
                    .apply(
                        "Names",
                        MapElements.into(
                                TypeDescriptors.kvs(
                                    TypeDescriptors.longs(), TypeDescriptors.strings()))
                            .via((Long key) -> KV.of(key, name(key))))
                    .apply(View.asMap());
            yield numbers
                .apply("Join", ParDo.of(new Join(names)).withSideInputs(names))
                .apply(Sum.longsPerKey())
                .apply(
                    "Format", MapElements.into(TypeDescriptors.strings()).via(GroupHeavy::format));
          }
        };
    lines.apply("Write", TextIO.write().to(output));
    return pipeline;
  }

  private static org.apache.beam.sdk.values.TypeDescriptor<KV<Long, Long>> longs() {
    return TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs());
  }

  static String countAndSum(KV<Long, Iterable<Long>> group) {
    long count = 0;
    long sum = 0;
    for (long value : group.getValue()) {
      count++;
      sum += value;
    }
    return group.getKey() + ": " + count + " " + sum;
  }

  static String format(KV<?, Long> total) {
    return total.getKey() + ": " + total.getValue();
  }

  /** Looks each number's key up in the side input: (its name, 1). */
  private static final class Join extends DoFn<Long, KV<String, Long>> {
    private final PCollectionView<Map<Long, String>> names;

    Join(PCollectionView<Map<Long, String>> names) {
      this.names = names;
    }

    @ProcessElement
    public void process(@Element Long n, ProcessContext context) {
      context.output(KV.of(context.sideInput(names).get(joinKey(n)), 1L));
    }
  }
}
