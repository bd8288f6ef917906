package dev.microbatch.runner.execution.shuffle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.junit.jupiter.api.Test;

/** A GroupByKey's values gathered as bytes come out as they went in, through merges and spills. */
class EncodedConcatenateTest {
  private final EncodedConcatenate<String> concatenate =
      new EncodedConcatenate<>(NullableCoder.of(StringUtf8Coder.of()));

  @Test
  void valuesAddedToAccumulatorsThatAreMergedAndSpilledComeOutInTheirOrder() throws Exception {
    List<String> first = Arrays.asList("a", null, "", "x".repeat(100), "é ü");
    List<String> second = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      second.add("value " + i);
    }
    EncodedConcatenate.Values a = spilledAndReadBack(addAll(first));
    EncodedConcatenate.Values b = addAll(second);

    List<String> expected = new ArrayList<>(first);
    expected.addAll(second);
    assertEquals(
        expected,
        concatenate.extractOutput(
            concatenate.mergeAccumulators(List.of(a, concatenate.createAccumulator(), b))));
  }

  @Test
  void anEmptyAccumulatorGivesNoValues() throws Exception {
    assertEquals(
        List.of(), concatenate.extractOutput(spilledAndReadBack(concatenate.createAccumulator())));
  }

  @Test
  void eachOutputHoldsItsOwnCopies() {
    List<String> values = List.of("one", "two");
    EncodedConcatenate.Values accumulator = addAll(values);
    List<String> once = concatenate.extractOutput(accumulator);
    List<String> twice = concatenate.extractOutput(accumulator);
    assertEquals(values, once);
    assertEquals(values, twice);
    assertNotSame(once.get(0), twice.get(0));
  }

  private EncodedConcatenate.Values addAll(List<String> values) {
    EncodedConcatenate.Values accumulator = concatenate.createAccumulator();
    for (String value : values) {
      accumulator = concatenate.addInput(accumulator, value);
    }
    return accumulator;
  }

  /**
   * Through the accumulator coder, as a spill or a checkpoint writes and reads it, amid other
   * bytes.
   */
  private EncodedConcatenate.Values spilledAndReadBack(EncodedConcatenate.Values values)
      throws Exception {
    Coder<EncodedConcatenate.Values> coder = concatenate.getAccumulatorCoder(null, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ListCoder.of(coder).encode(List.of(values, values), out);
    return ListCoder.of(coder).decode(new ByteArrayInputStream(out.toByteArray())).get(1);
  }
}
