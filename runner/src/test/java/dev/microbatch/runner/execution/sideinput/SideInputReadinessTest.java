package dev.microbatch.runner.execution.sideinput;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Never;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A main input element waits for its side input window until that window's pane has come or can no
 * longer come. For a side input whose trigger fires only when the window expires (as Wait.on's
 * signals do), that is the end of the window plus its allowed lateness, not its end: values that
 * arrive late but within the lateness still belong in the view.
 */
class SideInputReadinessTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSideInputWindowEmptyAtItsEndIsReadOnlyOnceItExpiresWithTheLateValuesItGot(Mode mode) {
    List<String> output =
        assertSameOutput(
            mode,
            p -> {
              PCollectionView<List<String>> side =
                  p.apply(
                          "Side",
                          TestStream.create(StringUtf8Coder.of())
                              .advanceWatermarkTo(new Instant(0))
                              // past the end of the window [0 s, 10 s), still empty, within its
                              // allowed lateness
                              .advanceWatermarkTo(new Instant(12_000))
                              .addElements(TimestampedValue.of("late", new Instant(2_000)))
                              .advanceWatermarkToInfinity())
                      .apply(
                          "SideWindows",
                          Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                              .triggering(Never.ever())
                              .withAllowedLateness(Duration.standardSeconds(30))
                              .discardingFiredPanes())
                      .apply(View.asList());
              return p.apply(
                      "Main", Create.timestamped(TimestampedValue.of("main", new Instant(5_000))))
                  .apply("MainWindows", Window.into(FixedWindows.of(Duration.standardSeconds(10))))
                  .apply(ParDo.of(new ReadSide(side)).withSideInputs(side));
            });
    assertThat(output, contains("main sees [late]"));
  }

  /** Outputs the element with the side input's values, sorted. */
  private static final class ReadSide extends DoFn<String, String> {
    private final PCollectionView<List<String>> side;

    ReadSide(PCollectionView<List<String>> side) {
      this.side = side;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<String> values = new ArrayList<>(c.sideInput(side));
      values.sort(null);
      c.output(c.element() + " sees " + values);
    }
  }
}
