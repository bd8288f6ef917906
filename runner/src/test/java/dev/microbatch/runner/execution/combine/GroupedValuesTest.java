package dev.microbatch.runner.execution.combine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.UserCodeException;
import org.junit.jupiter.api.Test;

/**
 * A GroupByKey's values as a Combine's accumulator: copies made through the value coder, in the
 * order they came, and a coder that fails fails the grouping.
 */
class GroupedValuesTest {

  @Test
  void aGroupHoldsCopiesMadeThroughTheCoderNotTheValuesThemselves() {
    GroupedValues<byte[]> fn = new GroupedValues<>(ByteArrayCoder.of());
    byte[] value = {1, 2};
    List<byte[]> group = fn.addInput(fn.createAccumulator(), value);
    value[0] = 9; // a DoFn downstream of the value's producer changes it after output

    assertArrayEquals(new byte[] {1, 2}, group.get(0));
  }

  @Test
  void mergedGroupsKeepTheirValuesInOrderInTheFirstGroup() {
    GroupedValues<String> fn = new GroupedValues<>(StringUtf8Coder.of());
    List<String> first = new ArrayList<>(List.of("a", "b"));
    List<String> merged =
        fn.mergeAccumulators(List.of(first, new ArrayList<>(List.of("c")), new ArrayList<>()));

    assertEquals(List.of("a", "b", "c"), merged);
    assertTrue(merged == first, "merged into the first group, not copied");
    assertEquals(List.of("a", "b", "c"), fn.extractOutput(merged));
  }

  @Test
  void aValueItsCoderCannotEncodeFailsTheGrouping() {
    GroupedValues<String> fn = new GroupedValues<>(new FailingCoder());

    UserCodeException failure =
        assertThrows(UserCodeException.class, () -> fn.addInput(fn.createAccumulator(), "x"));
    assertEquals("cannot encode x", failure.getCause().getMessage());
  }

  private static final class FailingCoder extends AtomicCoder<String> {
    @Override
    public void encode(String value, OutputStream out) throws CoderException {
      throw new CoderException("cannot encode " + value);
    }

    @Override
    public String decode(InputStream in) {
      throw new UnsupportedOperationException();
    }
  }
}
