package dev.microbatch.runner.execution.sideinput;

import static dev.microbatch.runner.StreamingScript.SCRIPT;
import static dev.microbatch.runner.StreamingScript.at;
import static dev.microbatch.runner.StreamingScript.streamingPipeline;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.runner.PAsserts;
import dev.microbatch.runner.ScriptedUnboundedSource;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Side inputs in streaming mode: main input elements, and a stateful DoFn's elements and timers,
 * wait for their side input windows.
 */
class StreamingSideInputTest {

  @Test
  void mainInputElementsWaitForTheirWindowOfASideInputAndSeeItComplete() {
    Pipeline pipeline = streamingPipeline();
    List<TimestampedValue<String>> script =
        List.of(
            at("a", 0),
            at("b", 1),
            at("a", 3),
            at("a", 9), // window [0, 10)
            at("b", 10),
            at("b", 12),
            at("c", 19)); // window [10, 20)
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(script, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))));
    // the side input of a window is complete only once the watermark passes the window's end,
    // batches after its first words were read
    PCollectionView<Long> wordsPerWindow =
        words
            .apply(Combine.globally(Count.<String>combineFn()).withoutDefaults())
            .apply(View.asSingleton());
    PCollection<String> shares =
        words.apply(ParDo.of(new WithWindowTotal(wordsPerWindow)).withSideInputs(wordsPerWindow));
    PAssert.that(shares)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder("a/4", "b/4", "a/4", "a/4");
    PAssert.that(shares)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder("b/3", "b/3", "c/3");

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Outputs each word with its window's word count, read from a side input. */
  private static final class WithWindowTotal extends DoFn<String, String> {
    private final PCollectionView<Long> total;

    WithWindowTotal(PCollectionView<Long> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(@Element String word, OutputReceiver<String> out, ProcessContext c) {
      out.output(word + "/" + c.sideInput(total));
    }
  }

  @Test
  void aStatefulDoFnsElementsWaitPerKeyForTheirSideInputWindowAndCountBeforeItsTimerFires() {
    Pipeline pipeline = streamingPipeline();
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(SCRIPT, 2)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))));
    PCollectionView<Long> wordsPerWindow =
        words
            .apply(Combine.globally(Count.<String>combineFn()).withoutDefaults())
            .apply(View.asSingleton());
    PCollection<String> counts =
        words
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(w -> KV.of(w, 1L)))
            .apply(
                ParDo.of(new CountOfTotalAtWindowEnd(wordsPerWindow))
                    .withSideInputs(wordsPerWindow));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), new Instant(10_000)))
        .containsInAnyOrder("a:3/4", "b:1/4");
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(10_000), new Instant(20_000)))
        .containsInAnyOrder("b:2/3", "c:1/3");
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(20_000), new Instant(30_000)))
        .containsInAnyOrder("a:1/1");

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Counts a key's elements of a window and, at the window's end, outputs count/window total. */
  private static final class CountOfTotalAtWindowEnd extends DoFn<KV<String, Long>, String> {
    private final PCollectionView<Long> total;

    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @StateId("total")
    private final StateSpec<ValueState<Long>> totalSpec = StateSpecs.value();

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    CountOfTotalAtWindowEnd(PCollectionView<Long> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(
        ProcessContext c,
        @StateId("count") ValueState<Long> count,
        @StateId("total") ValueState<Long> windowTotal,
        @TimerId("end") Timer end,
        BoundedWindow window) {
      Long sofar = count.read();
      count.write((sofar == null ? 0 : sofar) + c.element().getValue());
      windowTotal.write(c.sideInput(total));
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String key,
        @StateId("count") ValueState<Long> count,
        @StateId("total") ValueState<Long> windowTotal,
        OutputReceiver<String> out) {
      out.output(key + ":" + count.read() + "/" + windowTotal.read());
    }
  }

  /** What the DoFn below did, in order (one JVM runs the test). */
  private static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();

  @Test
  void aKeysTimersWaitForItsElementsThatWaitForTheirSideInputs() {
    EVENTS.clear();
    Pipeline pipeline = streamingPipeline();
    // two per batch: the watermark is 8, 19, 26, then the end of time
    List<TimestampedValue<String>> script =
        List.of(
            at("a", 5),
            at("b", 8),
            at("a", 12),
            at("c", 19),
            at("x", 25),
            at("y", 26),
            at("z", 27));
    PCollection<String> words =
        pipeline
            .apply(Read.from(new ScriptedUnboundedSource(script, 2)))
            .apply(
                Window.<String>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardSeconds(10))
                    .discardingFiredPanes());
    PCollectionView<Long> wordsPerWindow =
        words
            .apply(Combine.globally(Count.<String>combineFn()).withoutDefaults())
            .apply(View.asSingleton());
    words
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(w -> KV.of(w, 1L)))
        .apply(ParDo.of(new TimerAtFifteen(wordsPerWindow)).withSideInputs(wordsPerWindow));

    assertThat(PAsserts.runAndVerify(pipeline).getState(), equalTo(PipelineResult.State.DONE));
    // a@12 waits for window [10, 20) of the side input, until the watermark reaches 26; the
    // timer a@5 set for 15 waits for it, as the watermark of a ParDo waits for what it pushed back
    assertThat(
        EVENTS.stream().filter(e -> e.contains("a@")).toList(),
        equalTo(List.of("a@5", "a@12", "timer a@15")));
  }

  /** Logs each element it reads a side input for; the element at 5 s sets a timer for 15 s. */
  private static final class TimerAtFifteen extends DoFn<KV<String, Long>, String> {
    private final PCollectionView<Long> view;

    @TimerId("late")
    private final TimerSpec lateSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    TimerAtFifteen(PCollectionView<Long> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c, @TimerId("late") Timer late) {
      c.sideInput(view);
      EVENTS.add(c.element().getKey() + "@" + c.timestamp().getMillis() / 1000);
      if (c.timestamp().getMillis() == 5000) {
        late.set(new Instant(15_000));
      }
    }

    @OnTimer("late")
    public void onLate(@Key String key) {
      EVENTS.add("timer " + key + "@15");
    }
  }
}
