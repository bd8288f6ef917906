package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Runs one pipeline on the DirectRunner, Beam's reference, and on MicroBatchRunner in a given mode,
 * and demands the same output: the same elements, as many times each, in any order. A Row is
 * compared with its field names and types, so a Row that lost its schema's names, or holds its
 * values under other types, is a difference.
 */
public final class SameAsDirectRunner {
  /** The two ways MicroBatchRunner runs a pipeline. */
  public enum Mode {
    BATCH,
    STREAMING
  }

  private static final Map<String, Queue<String>> OUTPUTS = new ConcurrentHashMap<>();

  private SameAsDirectRunner() {}

  /**
   * Builds the pipeline with {@code build} once for each runner, collects the elements of the
   * PCollection it returns, and asserts that both runners output the same non-empty multiset.
   * Returns that output, sorted.
   */
  public static <T> List<String> assertSameOutput(
      Mode mode, Function<Pipeline, PCollection<T>> build) {
    List<String> expected = run(options(DirectRunner.class.getSimpleName(), mode), build);
    assertThat(
        "the DirectRunner's output (a test whose reference is empty checks nothing)",
        expected,
        not(empty()));
    List<String> actual = run(options("MicroBatchRunner", mode), build);
    assertThat("MicroBatchRunner's output in " + mode + " mode", actual, equalTo(expected));
    return actual;
  }

  public static PipelineOptions options(String runner, Mode mode) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner));
    if (runner.contains("MicroBatchRunner")) {
      args.add("--parallelism=2");
      args.add("--consoleProgress=false");
      if (mode == Mode.STREAMING) {
        args.add("--streaming");
        args.add("--batchIntervalMillis=50");
      }
    }
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create();
  }

  private static <T> List<String> run(
      PipelineOptions options, Function<Pipeline, PCollection<T>> build) {
    String id = UUID.randomUUID().toString();
    OUTPUTS.put(id, new ConcurrentLinkedQueue<>());
    try {
      Pipeline pipeline = Pipeline.create(options);
      build.apply(pipeline).apply("CollectOutput", ParDo.of(new Collect<>(id)));
      pipeline.run().waitUntilFinish();
      List<String> output = new ArrayList<>(OUTPUTS.get(id));
      output.sort(null);
      return output;
    } finally {
      OUTPUTS.remove(id);
    }
  }

  /**
   * A Row with its schema's field names and types, nested rows, arrays and maps included; anything
   * else as its string.
   */
  public static String describe(Object element) {
    if (element instanceof Row row) {
      StringJoiner fields = new StringJoiner(", ", "Row{", "}");
      for (Schema.Field field : row.getSchema().getFields()) {
        fields.add(
            field.getName()
                + ":"
                + typeOf(field.getType())
                + "="
                + describe(row.getValue(field.getName())));
      }
      return fields.toString();
    }
    if (element instanceof Iterable<?> values) {
      StringJoiner list = new StringJoiner(", ", "[", "]");
      values.forEach(value -> list.add(describe(value)));
      return list.toString();
    }
    if (element instanceof Map<?, ?> map) {
      StringJoiner entries = new StringJoiner(", ", "{", "}");
      map.forEach((key, value) -> entries.add(describe(key) + "=" + describe(value)));
      return entries.toString();
    }
    return String.valueOf(element);
  }

  private static String typeOf(Schema.FieldType type) {
    String name =
        type.getTypeName() == Schema.TypeName.LOGICAL_TYPE
            ? type.getLogicalType().getIdentifier()
            : type.getTypeName().toString();
    return type.getNullable() ? name + "?" : name;
  }

  private static final class Collect<T> extends DoFn<T, Void> {
    private final String id;

    Collect(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element T element) {
      OUTPUTS.get(id).add(describe(element));
    }
  }
}
