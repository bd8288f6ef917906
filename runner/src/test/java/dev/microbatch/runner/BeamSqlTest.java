package dev.microbatch.runner;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.sql.SqlTransform;
import org.apache.beam.sdk.schemas.JavaBeanSchema;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.DateTime;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Beam SQL as a client: each query runs on the DirectRunner and on MicroBatchRunner, in batch and
 * in streaming mode, and both must give the same rows, field names included.
 */
class BeamSqlTest {
  private static final Schema ORDER =
      Schema.builder()
          .addInt32Field("order_id")
          .addInt32Field("site_id")
          .addInt32Field("price")
          .build();
  private static final Schema EVENT =
      Schema.builder()
          .addInt32Field("f_int")
          .addStringField("f_string")
          .addDateTimeField("f_timestamp")
          .build();
  private static final Schema NESTED =
      Schema.builder().addInt32Field("f_nested").addStringField("f_label").build();
  private static final Schema WITH_ARRAY_AND_ROW =
      Schema.builder()
          .addInt32Field("f_int")
          .addArrayField("f_arr", Schema.FieldType.STRING)
          .addRowField("f_row", NESTED)
          .build();
  private static final DateTime T0 = new DateTime(2026, 12, 5, 10, 0);

  // ---- joins ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void innerJoin(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id"),
        hasSize(3));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void leftOuterJoin(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 LEFT OUTER JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id"),
        hasSize(4));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rightOuterJoin(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 RIGHT OUTER JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id"),
        hasSize(4));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fullOuterJoin(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 FULL OUTER JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id"),
        hasSize(5));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void joinOfTwoUnboundedTablesInFixedWindows(Mode mode) {
    assertSameOutput(
        mode,
        p ->
            PCollectionTuple.of(new TupleTag<>("ORDER_DETAILS1"), unboundedOrders(p, "One", 1))
                .and(new TupleTag<>("ORDER_DETAILS2"), unboundedOrders(p, "Two", 2))
                .apply(
                    SqlTransform.query(
                        "SELECT o1.order_id, o1.price, o2.price AS price2 FROM ORDER_DETAILS1 o1"
                            + " JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id")));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sideInputJoinOfAnUnboundedTableWithABoundedOne(Mode mode) {
    assertSameOutput(
        mode,
        p ->
            PCollectionTuple.of(new TupleTag<>("ORDER_DETAILS1"), unboundedOrders(p, "One", 1))
                .and(new TupleTag<>("ORDER_DETAILS2"), orders(p, "Two", 2))
                .apply(
                    SqlTransform.query(
                        "SELECT o1.order_id, o1.price, o2.price AS price2 FROM ORDER_DETAILS1 o1"
                            + " LEFT OUTER JOIN ORDER_DETAILS2 o2 ON o1.order_id = o2.site_id")));
  }

  // ---- windowed aggregations ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void tumbleWindows(Mode mode) {
    assertThat(
        queryEvents(
            mode,
            "SELECT f_string, COUNT(*) AS n, SUM(f_int) AS total, TUMBLE_START(f_timestamp, INTERVAL '1' HOUR) AS w"
                + " FROM EVENTS GROUP BY f_string, TUMBLE(f_timestamp, INTERVAL '1' HOUR)"),
        hasSize(4));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void hopWindows(Mode mode) {
    queryEvents(
        mode,
        "SELECT f_string, COUNT(*) AS n, HOP_START(f_timestamp, INTERVAL '30' MINUTE, INTERVAL '1' HOUR) AS w"
            + " FROM EVENTS GROUP BY f_string, HOP(f_timestamp, INTERVAL '30' MINUTE, INTERVAL '1' HOUR)");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sessionWindows(Mode mode) {
    queryEvents(
        mode,
        "SELECT f_string, COUNT(*) AS n, SESSION_START(f_timestamp, INTERVAL '20' MINUTE) AS s,"
            + " SESSION_END(f_timestamp, INTERVAL '20' MINUTE) AS e"
            + " FROM EVENTS GROUP BY f_string, SESSION(f_timestamp, INTERVAL '20' MINUTE)");
  }

  // ---- subqueries ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void existsSubquery(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 WHERE EXISTS"
                + " (SELECT 1 FROM ORDER_DETAILS2 o2 WHERE o2.site_id = o1.order_id)"),
        hasSize(3));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void notExistsSubquery(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT * FROM ORDER_DETAILS1 o1 WHERE NOT EXISTS"
                + " (SELECT 1 FROM ORDER_DETAILS2 o2 WHERE o2.site_id = o1.order_id)"),
        hasSize(1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void inSubquery(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT order_id, price FROM ORDER_DETAILS1 WHERE order_id IN (SELECT site_id FROM ORDER_DETAILS2)"),
        hasSize(3));
  }

  // ---- sorting ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void orderByLimit(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT order_id, price FROM ORDER_DETAILS1 ORDER BY price DESC, order_id LIMIT 3"),
        hasSize(3));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void orderByLimitOffset(Mode mode) {
    assertThat(
        query(
            mode,
            "SELECT order_id, price FROM ORDER_DETAILS1 ORDER BY price DESC, order_id LIMIT 2 OFFSET 1"),
        hasSize(2));
  }

  // ---- nested rows, arrays, UNNEST ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anArrayElementUnderItsAlias(Mode mode) {
    queryNested(mode, "SELECT f_arr[2] AS f_stringField FROM NESTED_TABLE");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anArrayElementUnderItsAliasEqualsTheExpectedRows(Mode mode) {
    Schema expected = Schema.builder().addStringField("f_stringField").build();
    Pipeline p = Pipeline.create(SameAsDirectRunner.options("MicroBatchRunner", mode));
    PCollection<Row> result =
        p.apply(
                Create.of(
                    nested(1, List.of("a", "b"), 10, "ten"),
                    nested(2, List.of("c", "d"), 20, "twenty")))
            .setRowSchema(WITH_ARRAY_AND_ROW)
            .apply(SqlTransform.query("SELECT f_arr[2] AS f_stringField FROM PCOLLECTION"));
    PAssert.that(result)
        .containsInAnyOrder(
            Row.withSchema(expected).addValue("b").build(),
            Row.withSchema(expected).addValue("d").build());
    PAsserts.runAndVerify(p);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aNestedRowsField(Mode mode) {
    queryNested(mode, "SELECT t.f_row.f_nested AS nested, t.f_int FROM NESTED_TABLE t");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRowKeptAsARow(Mode mode) {
    queryNested(mode, "SELECT ROW(t.f_int, t.f_row.f_label) AS r FROM NESTED_TABLE t");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unnestOfAnArray(Mode mode) {
    assertThat(
        queryNested(mode, "SELECT t.f_int, w FROM NESTED_TABLE t, UNNEST(t.f_arr) AS words(w)"),
        hasSize(6));
  }

  // ---- JavaBean and POJO schemas ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void joinOfJavaBeansThenGroupBySum(Mode mode) {
    assertThat(
        assertSameOutput(
            mode,
            p ->
                PCollectionTuple.of(
                        new TupleTag<>("CUSTOMERS"),
                        p.apply(
                            "Customers",
                            Create.of(
                                new Customer(1, "ann"),
                                new Customer(2, "bob"),
                                new Customer(3, "carl"))))
                    .and(
                        new TupleTag<>("PURCHASES"),
                        p.apply(
                            "Purchases",
                            Create.of(
                                new Purchase(1, 10),
                                new Purchase(1, 5),
                                new Purchase(3, 7),
                                new Purchase(4, 1))))
                    .apply(
                        SqlTransform.query(
                            "SELECT c.name, SUM(o.amount) AS total FROM CUSTOMERS c"
                                + " JOIN PURCHASES o ON c.id = o.customerId GROUP BY c.name"))),
        hasSize(2));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void projectionOfJavaBeansAfterAJoin(Mode mode) {
    assertThat(
        assertSameOutput(
            mode,
            p ->
                PCollectionTuple.of(
                        new TupleTag<>("CUSTOMERS"),
                        p.apply(
                            "Customers", Create.of(new Customer(1, "ann"), new Customer(2, "bob"))))
                    .and(
                        new TupleTag<>("PURCHASES"),
                        p.apply(
                            "Purchases",
                            Create.of(new Purchase(1, 10), new Purchase(2, 5), new Purchase(2, 7))))
                    .apply(
                        SqlTransform.query(
                            "SELECT o.amount, c.name AS buyer FROM PURCHASES o JOIN CUSTOMERS c ON o.customerId = c.id"))),
        hasSize(3));
  }

  // ---- helpers ----

  private static List<String> query(Mode mode, String sql) {
    return assertSameOutput(
        mode,
        p ->
            PCollectionTuple.of(new TupleTag<>("ORDER_DETAILS1"), orders(p, "One", 1))
                .and(new TupleTag<>("ORDER_DETAILS2"), orders(p, "Two", 2))
                .apply(SqlTransform.query(sql)));
  }

  private static List<String> queryEvents(Mode mode, String sql) {
    return assertSameOutput(
        mode,
        p ->
            PCollectionTuple.of(
                    new TupleTag<>("EVENTS"),
                    p.apply(
                            Create.of(
                                event(1, "a", 0),
                                event(2, "a", 10),
                                event(3, "b", 25),
                                event(4, "a", 50),
                                event(5, "b", 70),
                                event(6, "a", 95),
                                event(7, "a", 100)))
                        .setRowSchema(EVENT))
                .apply(SqlTransform.query(sql)));
  }

  private static List<String> queryNested(Mode mode, String sql) {
    return assertSameOutput(
        mode,
        p ->
            PCollectionTuple.of(
                    new TupleTag<>("NESTED_TABLE"),
                    p.apply(
                            Create.of(
                                nested(1, List.of("a", "b", "c"), 10, "ten"),
                                nested(2, List.of("d", "e"), 20, "twenty"),
                                nested(3, List.of("f"), 30, "thirty")))
                        .setRowSchema(WITH_ARRAY_AND_ROW))
                .apply(SqlTransform.query(sql)));
  }

  /** Orders (id, site, price), table {@code which} of two that share ids 1 and 2 across sides. */
  private static PCollection<Row> orders(Pipeline p, String name, int which) {
    return p.apply(name, Create.of(orderRows(which))).setRowSchema(ORDER);
  }

  /** The same orders, from a TestStream: an unbounded table, in one-minute windows. */
  private static PCollection<Row> unboundedOrders(Pipeline p, String name, int which) {
    TestStream.Builder<Row> stream = TestStream.create(ORDER).advanceWatermarkTo(new Instant(0));
    Instant at = new Instant(0);
    for (Row row : orderRows(which)) {
      at = at.plus(Duration.standardSeconds(10));
      stream = stream.addElements(org.apache.beam.sdk.values.TimestampedValue.of(row, at));
    }
    return p.apply(name, stream.advanceWatermarkToInfinity())
        .apply(name + "Windows", Window.into(FixedWindows.of(Duration.standardMinutes(1))));
  }

  private static List<Row> orderRows(int which) {
    return which == 1
        ? List.of(order(1, 2, 3), order(2, 3, 3), order(3, 4, 5), order(4, 5, 9))
        : List.of(order(1, 2, 3), order(2, 3, 3), order(3, 4, 5), order(5, 9, 1));
  }

  private static Row order(int id, int site, int price) {
    return Row.withSchema(ORDER).addValues(id, site, price).build();
  }

  private static Row event(int value, String key, int minute) {
    return Row.withSchema(EVENT).addValues(value, key, T0.plusMinutes(minute)).build();
  }

  private static Row nested(int value, List<String> array, int nestedValue, String label) {
    return Row.withSchema(WITH_ARRAY_AND_ROW)
        .addValues(value, array, Row.withSchema(NESTED).addValues(nestedValue, label).build())
        .build();
  }

  /** A JavaBean with an inferred schema. */
  @DefaultSchema(JavaBeanSchema.class)
  public static class Customer implements Serializable {
    private int id;
    private String name;

    public Customer() {}

    Customer(int id, String name) {
      this.id = id;
      this.name = name;
    }

    public int getId() {
      return id;
    }

    public void setId(int id) {
      this.id = id;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Customer c && c.id == id && Objects.equals(c.name, name);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, name);
    }
  }

  /** A POJO with public fields and an inferred schema. */
  @DefaultSchema(JavaFieldSchema.class)
  public static class Purchase implements Serializable {
    public int customerId;
    public int amount;

    public Purchase() {}

    Purchase(int customerId, int amount) {
      this.customerId = customerId;
      this.amount = amount;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Purchase other
          && other.customerId == customerId
          && other.amount == amount;
    }

    @Override
    public int hashCode() {
      return Objects.hash(customerId, amount);
    }
  }
}
