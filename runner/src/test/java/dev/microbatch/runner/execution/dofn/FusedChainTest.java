package dev.microbatch.runner.execution.dofn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.microbatch.runner.PAsserts;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
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

  @Test
  void eachFusedDoFnCountsUnderItsOwnStep() {
    Pipeline p = pipeline();
    p.apply(GenerateSequence.from(0).to(100))
        .apply("All", ParDo.of(new CountedTens(x -> true)))
        .apply("Tenths", ParDo.of(new CountedTens(x -> x % 100 == 0)))
        .apply("Fifths", ParDo.of(new CountedTens(x -> x % 50 == 0)));
    MetricQueryResults metrics =
        PAsserts.runAndVerify(p)
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(FusedChainTest.class, "seen"))
                    .build());
    Map<String, Long> perStep = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      perStep.put(counter.getKey().stepName(), counter.getCommitted());
    }
    assertEquals(
        Map.of(
            "All/ParMultiDo(CountedTens)", 100L,
            "Tenths/ParMultiDo(CountedTens)", 100L,
            "Fifths/ParMultiDo(CountedTens)", 10L),
        perStep);
  }

  @Test
  void eachFusedStepRunsItsOwnCopyOfTheElementRunner() {
    RunnerClasses.SEEN.clear();
    Pipeline p = pipeline();
    p.apply(GenerateSequence.from(0).to(100))
        .apply("First", ParDo.of(new RunnerClasses("first")))
        .apply("Second", ParDo.of(new RunnerClasses("second")));
    PAsserts.runAndVerify(p);

    Set<Class<?>> first = RunnerClasses.SEEN.get("first");
    Set<Class<?>> second = RunnerClasses.SEEN.get("second");
    // one copy per step, shared by its tasks; neither the runner's own class nor the other step's
    assertEquals(1, first.size(), "classes of the first step's runner: " + first);
    assertEquals(1, second.size(), "classes of the second step's runner: " + second);
    assertNotEquals(first, second);
    assertFalse(
        first.contains(ElementDoFnRunner.class) || second.contains(ElementDoFnRunner.class));
  }

  /** Counts each element it is given, and outputs ten times those {@code keep} accepts. */
  private static final class CountedTens extends DoFn<Long, Long> {
    private final Counter seen = Metrics.counter(FusedChainTest.class, "seen");
    private final SerializablePredicate keep;

    CountedTens(SerializablePredicate keep) {
      this.keep = keep;
    }

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      seen.inc();
      if (keep.test(x)) {
        out.output(x * 10);
      }
    }
  }

  private interface SerializablePredicate extends Serializable {
    boolean test(long x);
  }

  /** Passes each value on, recording which class of {@link ElementDoFnRunner} called it. */
  private static final class RunnerClasses extends DoFn<Long, Long> {
    static final Map<String, Set<Class<?>>> SEEN = new ConcurrentHashMap<>();

    private final String label;

    RunnerClasses(String label) {
      this.label = label;
    }

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      Class<?> caller =
          StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
              .walk(
                  frames ->
                      frames
                          .map(StackWalker.StackFrame::getDeclaringClass)
                          .filter(c -> c.getName().equals(ElementDoFnRunner.class.getName()))
                          .findFirst()
                          .orElseThrow());
      SEEN.computeIfAbsent(label, l -> ConcurrentHashMap.newKeySet()).add(caller);
      out.output(x);
    }
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
