package dev.microbatch.runner.execution.dofn;

import static dev.microbatch.runner.SameAsDirectRunner.assertSameOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.microbatch.runner.SameAsDirectRunner.Mode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.SimpleDoFnRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A DoFn that reads side inputs runs through the lean runner, fused after the DoFn before it: each
 * window of an element reads the side input of its own window, through the process context and
 * through a {@code @SideInput} parameter, as on the DirectRunner.
 */
class LeanSideInputTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachWindowOfAnElementReadsItsOwnWindowsSideInput(Mode mode) {
    assertSameOutput(mode, LeanSideInputTest::withSideInputs);
  }

  @Test
  void aDoFnReadingSideInputsRunsThroughTheLeanRunner() {
    RUNNERS.clear();
    Pipeline p =
        Pipeline.create(
            dev.microbatch.runner.SameAsDirectRunner.options("MicroBatchRunner", Mode.BATCH));
    withSideInputs(p);
    p.run().waitUntilFinish();
    assertEquals(Set.of("context", "parameter"), RUNNERS.keySet());
    RUNNERS.forEach(
        (label, lean) -> assertEquals(Set.of(true), lean, label + " ran through the lean runner"));
  }

  /** Whether each labelled DoFn found the lean runner on its stack, per call. */
  private static final Map<String, Set<Boolean>> RUNNERS = new ConcurrentHashMap<>();

  /**
   * Values in two sliding windows each, tens of them read against the sum of a side input's values
   * in the fixed window each sliding window maps to.
   */
  private static PCollection<String> withSideInputs(Pipeline p) {
    PCollectionView<Long> sums =
        p.apply(
                "Side",
                Create.timestamped(
                    TimestampedValue.of(100L, new Instant(500)),
                    TimestampedValue.of(200L, new Instant(1500)),
                    TimestampedValue.of(300L, new Instant(2500)),
                    TimestampedValue.of(400L, new Instant(3500))))
            .apply("SideWindows", Window.into(FixedWindows.of(Duration.standardSeconds(1))))
            .apply(Sum.longsGlobally().withoutDefaults().asSingletonView());
    return p.apply(
            "Main",
            Create.timestamped(
                TimestampedValue.of(1L, new Instant(1200)),
                TimestampedValue.of(2L, new Instant(2700))))
        .apply(
            "Sliding",
            Window.into(
                SlidingWindows.of(Duration.standardSeconds(2)).every(Duration.standardSeconds(1))))
        .apply("Tens", MapElements.into(TypeDescriptors.longs()).via((Long x) -> x * 10))
        .apply("ThroughContext", ParDo.of(new ThroughContext(sums)).withSideInputs(sums))
        .apply(
            "ThroughParameter",
            ParDo.of(new ThroughParameter()).withSideInputs(Map.of("sums", sums)));
  }

  /** Whether the runner nearest on the stack, the one that called the DoFn, is the lean one. */
  private static boolean onLeanRunner() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getClassName)
                    .filter(
                        c ->
                            c.equals(ElementDoFnRunner.class.getName())
                                || c.equals(SimpleDoFnRunner.class.getName()))
                    .findFirst()
                    .orElseThrow()
                    .equals(ElementDoFnRunner.class.getName()));
  }

  /** The value and the side input's sum in its window, read through the process context. */
  private static final class ThroughContext extends DoFn<Long, String> {
    private final PCollectionView<Long> sums;

    ThroughContext(PCollectionView<Long> sums) {
      this.sums = sums;
    }

    // no window parameter: only the side input makes each window of an element its own call
    @ProcessElement
    public void process(ProcessContext context) {
      RUNNERS.computeIfAbsent("context", l -> ConcurrentHashMap.newKeySet()).add(onLeanRunner());
      context.output(context.element() + ":" + context.sideInput(sums));
    }
  }

  /** The same again, the side input read through a {@code @SideInput} parameter. */
  private static final class ThroughParameter extends DoFn<String, String> {
    @ProcessElement
    public void process(
        @Element String in, @SideInput("sums") Long sum, OutputReceiver<String> out) {
      RUNNERS.computeIfAbsent("parameter", l -> ConcurrentHashMap.newKeySet()).add(onLeanRunner());
      out.output(in + "|" + sum);
    }
  }
}
