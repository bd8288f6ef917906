package dev.microbatch.runner.execution.dofn;

import dev.microbatch.runner.PAsserts;
import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * ParDos fused into one pass hand each output to the next as a value with the element it is in, and
 * a shuffle's map side takes the last one's outputs as they come: what users see of that.
 */
class FusedChainTest {

  private static Pipeline pipeline() {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--parallelism=2").create());
  }

  @Test
  void outputsADoFnMakesWhenItsBundleFinishesReachTheCombineAfterIt() {
    Pipeline p = pipeline();
    PCollection<Long> perBundle =
        p.apply(GenerateSequence.from(0).to(1000))
            .apply("Tens", MapElements.into(TypeDescriptors.longs()).via((Long x) -> x * 10))
            .apply("CountInFinishBundle", ParDo.of(new CountInFinishBundle()));
    PAssert.thatSingleton(perBundle.apply(Sum.longsGlobally())).isEqualTo(1000L);
    PAsserts.runAndVerify(p);
  }

  @Test
  void aDoFnThatObservesWindowsSeesEachWindowOfAValueAFusedDoFnOutput() {
    Pipeline p = pipeline();
    PCollection<String> inWindows =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of(1L, new Instant(1500)),
                    TimestampedValue.of(2L, new Instant(2500))))
            .apply(
                Window.into(
                    SlidingWindows.of(Duration.standardSeconds(2))
                        .every(Duration.standardSeconds(1))))
            .apply("Tens", ParDo.of(new Tens()))
            .apply("InWindow", ParDo.of(new WithWindowEnd()));
    PAssert.that(inWindows).containsInAnyOrder("10@1999", "10@2999", "20@2999", "20@3999");
    PAsserts.runAndVerify(p);
  }

  @Test
  void aFusedChainsFilteredValuesAreCountedPerElement() {
    Pipeline p = pipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(Create.of("a b", "b c", "", "c c"))
            .apply(
                "Split",
                FlatMapElements.into(TypeDescriptors.strings())
                    .via((String line) -> Arrays.asList(line.split(" "))))
            .apply("DropEmpty", Filter.by((String w) -> !w.isEmpty()))
            .apply(Count.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 1L), KV.of("b", 2L), KV.of("c", 3L));
    PAsserts.runAndVerify(p);
  }

  /** Outputs nothing per element, and how many it saw when its bundle finishes. */
  private static final class CountInFinishBundle extends DoFn<Long, Long> {
    private long seen;

    @StartBundle
    public void start() {
      seen = 0;
    }

    @ProcessElement
    public void process(@Element Long x) {
      seen++;
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      c.output(seen, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  /** Ten times each value, not looking at its windows (so it is not run once per window). */
  private static final class Tens extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      out.output(x * 10);
    }
  }

  /** The value and the end of the window it is processed in. */
  private static final class WithWindowEnd extends DoFn<Long, String> {
    @ProcessElement
    public void process(@Element Long x, BoundedWindow window, OutputReceiver<String> out) {
      out.output(x + "@" + window.maxTimestamp().getMillis());
    }
  }
}
