package dev.microbatch.runner.execution.shuffle;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReshuffledRecordsTest {

  /** Each element with its timestamp, window and pane, as a downstream DoFn sees them. */
  private static final class Describe<T> extends DoFn<T, String> {
    @ProcessElement
    public void process(
        @Element T element,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<String> out) {
      out.output(element + " at " + timestamp + " in " + window + " " + pane);
    }
  }

  /** A group's values in order: the order of a group's values is not Beam's to keep. */
  private static final class SortValues
      extends DoFn<KV<String, Iterable<Integer>>, KV<String, List<Integer>>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<Integer>> group,
        OutputReceiver<KV<String, List<Integer>>> out) {
      List<Integer> values = new ArrayList<>();
      group.getValue().forEach(values::add);
      values.sort(null);
      out.output(KV.of(group.getKey(), values));
    }
  }

  private static <T> PCollection<String> describe(PCollection<T> elements) {
    return elements.apply("Describe" + elements.getName(), ParDo.of(new Describe<>()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void reshuffledAndRedistributedRecordsKeepTheirTimestampsWindowsAndPanesAsOnTheDirectRunner(
      Mode mode) {
    List<TimestampedValue<KV<String, Integer>>> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      values.add(TimestampedValue.of(KV.of("k" + i % 7, i), new Instant(i * 250L)));
    }

    List<String> output =
        assertSameOutput(
            mode,
            pipeline -> {
              var windowed =
                  pipeline
                      .apply(Create.timestamped(values))
                      // each value in two windows: a reshuffle must keep both
                      .apply(
                          Window.into(
                              SlidingWindows.of(Duration.standardSeconds(2))
                                  .every(Duration.standardSeconds(1))));
              var groups = windowed.apply(GroupByKey.create()).apply(ParDo.of(new SortValues()));
              return PCollectionList.of(describe(windowed.apply("Reshuffle", Reshuffle.of())))
                  .and(describe(windowed.apply("RedistributeByKey", Redistribute.byKey())))
                  // groups carry an on-time pane (and the end of their window as timestamp)
                  .and(describe(groups.apply("ReshuffleGroups", Reshuffle.viaRandomKey())))
                  .and(describe(groups.apply("RedistributeGroups", Redistribute.arbitrarily())))
                  .apply(Flatten.pCollections());
            });

    // twice: 40 values in 2 windows each, and one group a key and window with values
    assertThat(output.stream().filter(line -> line.endsWith("NO_FIRING")).toList(), hasSize(160));
    assertThat(output.stream().filter(line -> line.contains("ON_TIME")).toList(), hasSize(142));
  }
}
