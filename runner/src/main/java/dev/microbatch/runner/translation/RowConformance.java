package dev.microbatch.runner.translation;

import dev.microbatch.engine.dataset.Dataset;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.annotations.Internal;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Makes the Rows of a PCollection what its coder says they are. A DoFn may build a Row under
 * another schema than its PCollection's: Calcite names a projection {@code EXPR$0} before {@code
 * setRowSchema} names it, and Beam's schema CoGroup keys each side by that side's own field names
 * under one key coder. Beam's DirectRunner passes every output through its PCollection's coder, so
 * downstream such Rows carry the coder's names, group together when they encode alike, and compare
 * equal to the expected Rows. This does the same where it can change something: a Row of another
 * schema is encoded and decoded with the coder; a Row of the coder's schema, and every element of a
 * PCollection whose coder holds no Rows, pass through untouched.
 */
@Internal
public final class RowConformance {
  private RowConformance() {}

  /**
   * What makes each dataset of {@code output}'s elements conform to its coder: the identity if that
   * coder holds no Rows.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static UnaryOperator<Dataset<? extends WindowedValue<?>>> forDatasetsOf(
      PCollection<?> output) {
    UnaryOperator conform = forElements(output.getCoder());
    return conform == null ? UnaryOperator.identity() : dataset -> ((Dataset) dataset).map(conform);
  }

  /**
   * Conforms each element of a dataset of {@code coder}'s values; null if there is nothing to do.
   */
  static <T> @Nullable UnaryOperator<WindowedValue<T>> forElements(Coder<T> coder) {
    UnaryOperator<T> conform = of(coder);
    if (conform == null) {
      return null;
    }
    return element -> {
      T value = element.getValue();
      T conformed = conform.apply(value);
      return conformed == value ? element : element.withValue(conformed);
    };
  }

  /** A function that conforms a value of {@code coder}, or null if {@code coder} holds no Rows. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> @Nullable UnaryOperator<T> of(Coder<T> coder) {
    if (!holdsRows(coder)) {
      return null;
    }
    if (coder instanceof SchemaCoder<?> schemaCoder) {
      return (UnaryOperator<T>) rows((SchemaCoder<Row>) schemaCoder);
    }
    if (coder instanceof KvCoder<?, ?> kvCoder) {
      return (UnaryOperator<T>) kvs((KvCoder) kvCoder);
    }
    if (coder instanceof NullableCoder<?> nullable) {
      UnaryOperator<Object> inner = (UnaryOperator<Object>) of(nullable.getValueCoder());
      return value -> value == null ? null : (T) inner.apply(value);
    }
    if (coder.getClass() == IterableCoder.class) {
      // lazily, element by element: a GroupByKey's groups are not copied to be checked
      UnaryOperator<Object> inner =
          (UnaryOperator<Object>) of(((IterableCoder<?>) coder).getElemCoder());
      return value -> (T) Iterables.transform((Iterable<Object>) value, inner::apply);
    }
    return value -> clone(coder, value);
  }

  private static UnaryOperator<Row> rows(SchemaCoder<Row> coder) {
    Schema schema = coder.getSchema();
    return new UnaryOperator<>() {
      // the last schema instance seen equal to the coder's: most Rows share their schema object
      private volatile Schema knownEqual = schema;

      @Override
      public Row apply(Row row) {
        if (row == null || row.getSchema() == knownEqual) {
          return row;
        }
        if (row.getSchema().equals(schema)) {
          knownEqual = row.getSchema();
          return row;
        }
        return RowConformance.clone(coder, row);
      }
    };
  }

  private static <K, V> @Nullable UnaryOperator<KV<K, V>> kvs(KvCoder<K, V> coder) {
    UnaryOperator<K> key = orIdentity(of(coder.getKeyCoder()));
    UnaryOperator<V> value = orIdentity(of(coder.getValueCoder()));
    return kv -> {
      K k = key.apply(kv.getKey());
      V v = value.apply(kv.getValue());
      return k == kv.getKey() && v == kv.getValue() ? kv : KV.of(k, v);
    };
  }

  private static <T> UnaryOperator<T> orIdentity(@Nullable UnaryOperator<T> conform) {
    return conform == null ? UnaryOperator.identity() : conform;
  }

  /** True if {@code coder} or one of its components encodes Rows. */
  private static boolean holdsRows(Coder<?> coder) {
    if (coder instanceof SchemaCoder<?> schemaCoder) {
      return Row.class.equals(schemaCoder.getEncodedTypeDescriptor().getRawType());
    }
    List<? extends Coder<?>> components =
        coder instanceof StructuredCoder<?> structured
            ? structured.getComponents()
            : coder.getCoderArguments();
    return components.stream().anyMatch(RowConformance::holdsRows);
  }

  private static <T> T clone(Coder<T> coder, T value) {
    try {
      return CoderUtils.clone(coder, value);
    } catch (CoderException e) {
      throw new IllegalArgumentException(
          "Cannot encode " + value + " with its PCollection's coder " + coder, e);
    }
  }
}
