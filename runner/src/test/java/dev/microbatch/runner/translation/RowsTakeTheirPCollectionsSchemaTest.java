package dev.microbatch.runner.translation;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import dev.microbatch.runner.SameAsDirectRunner;
import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.schemas.transforms.Join;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Row built under another schema than its PCollection's takes the PCollection's field names, as
 * on the DirectRunner, which passes every output through its coder. Without that, Row keys that
 * encode alike but carry other field names form groups of their own (an inner schema join finds
 * nothing), and a renamed projection keeps Calcite's names.
 */
class RowsTakeTheirPCollectionsSchemaTest {
  private static final Schema A = Schema.builder().addInt64Field("a").build();
  private static final Schema B = Schema.builder().addInt64Field("b").build();
  private static final Schema GENERATED = Schema.builder().addStringField("EXPR$0").build();
  private static final Schema NAMED = Schema.builder().addStringField("f_stringField").build();

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rowKeysThatEncodeAlikeFormOneGroup(Mode mode) {
    List<String> output =
        assertSameOutput(
            mode,
            p ->
                keyedBySchemaAAndB(p)
                    .apply(GroupByKey.create())
                    .apply(
                        MapElements.into(TypeDescriptors.strings())
                            .via(
                                kv ->
                                    SameAsDirectRunner.describe(kv.getKey())
                                        + " -> "
                                        + sorted(kv.getValue()))));
    assertThat(output, hasSize(1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rowKeysThatEncodeAlikeAreCountedTogether(Mode mode) {
    List<String> output = assertSameOutput(mode, p -> keyedBySchemaAAndB(p).apply(Count.perKey()));
    assertThat(output, hasSize(1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSchemaJoinOnFieldsOfOtherNamesFindsItsMatches(Mode mode) {
    Schema orders = Schema.builder().addInt64Field("order_id").addStringField("buyer").build();
    Schema buyers = Schema.builder().addStringField("buyerName").addInt64Field("age").build();
    List<String> output =
        assertSameOutput(
            mode,
            p -> {
              PCollection<Row> left =
                  p.apply(
                          "Orders",
                          Create.of(
                              Row.withSchema(orders).addValues(1L, "ann").build(),
                              Row.withSchema(orders).addValues(2L, "bob").build(),
                              Row.withSchema(orders).addValues(3L, "ann").build()))
                      .setRowSchema(orders);
              PCollection<Row> right =
                  p.apply(
                          "Buyers",
                          Create.of(
                              Row.withSchema(buyers).addValues("ann", 30L).build(),
                              Row.withSchema(buyers).addValues("carl", 40L).build()))
                      .setRowSchema(buyers);
              return left.apply(
                  Join.<Row, Row>innerJoin(right)
                      .on(Join.FieldsEqual.left("buyer").right("buyerName")));
            });
    assertThat(output, hasSize(2));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRowTakesTheFieldNamesOfItsPCollectionsSchema(Mode mode) {
    List<String> output =
        assertSameOutput(
            mode,
            p ->
                p.apply(Create.of("AA", "BB"))
                    .apply(ParDo.of(new ToRow(GENERATED)))
                    .setRowSchema(NAMED));
    assertThat(output, everyItem(containsString("f_stringField")));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aDoFnWritesRowsToATaggedOutputWithASchema(Mode mode) {
    TupleTag<String> main = new TupleTag<>("main");
    TupleTag<Row> rows = new TupleTag<>("rows");
    List<String> output =
        assertSameOutput(
            mode,
            p -> {
              PCollectionTuple outputs =
                  p.apply(Create.of("x", "y"))
                      .apply(
                          ParDo.of(new RowsToTaggedOutput(rows))
                              .withOutputTags(main, TupleTagList.of(rows)));
              return outputs.get(rows).setRowSchema(NAMED);
            });
    assertThat(output, hasSize(2));
  }

  /** KV(Row{a=1}, "left") and KV(Row{b=1}, "right"), both under the key coder of schema {a}. */
  private static PCollection<KV<Row, String>> keyedBySchemaAAndB(org.apache.beam.sdk.Pipeline p) {
    return p.apply(Create.of("left", "right"))
        .apply(ParDo.of(new KeyByRowOfOwnSchema()))
        .setCoder(KvCoder.of(SchemaCoder.of(A), StringUtf8Coder.of()));
  }

  private static String sorted(Iterable<String> values) {
    List<String> list = new ArrayList<>();
    values.forEach(list::add);
    list.sort(null);
    return list.toString();
  }

  /** Keys "left" by Row{a=1} and everything else by Row{b=1}: same bytes, other names. */
  private static final class KeyByRowOfOwnSchema extends DoFn<String, KV<Row, String>> {
    @ProcessElement
    public void process(@Element String side, OutputReceiver<KV<Row, String>> out) {
      Row key = Row.withSchema(side.equals("left") ? A : B).addValue(1L).build();
      out.output(KV.of(key, side));
    }
  }

  /**
   * Writes each element as a Row of schema {f_stringField} through the tagged output's Row
   * receiver.
   */
  private static final class RowsToTaggedOutput extends DoFn<String, String> {
    private final TupleTag<Row> rows;

    RowsToTaggedOutput(TupleTag<Row> rows) {
      this.rows = rows;
    }

    @ProcessElement
    public void process(@Element String value, MultiOutputReceiver out) {
      out.getRowReceiver(rows).output(Row.withSchema(NAMED).addValue(value).build());
    }
  }

  /** Wraps a string in a Row of the given schema. */
  private static final class ToRow extends DoFn<String, Row> {
    private final Schema schema;

    ToRow(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element String value, OutputReceiver<Row> out) {
      out.output(Row.withSchema(schema).addValue(value).build());
    }
  }
}
