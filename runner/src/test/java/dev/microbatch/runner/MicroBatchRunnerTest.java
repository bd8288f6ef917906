package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.StreamingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class MicroBatchRunnerTest {

  private static Pipeline pipeline(String... extraArgs) {
    String[] args = new String[extraArgs.length + 2];
    args[0] = "--runner=MicroBatchRunner";
    args[1] = "--parallelism=2";
    System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
    return Pipeline.create(PipelineOptionsFactory.fromArgs(args).create());
  }

  @Test
  void groupsCombinesFlattensAndReadsSideInputs() {
    Pipeline p = pipeline();
    PCollection<String> words = p.apply("Words", Create.of("a", "b", "a", "c", "a", "b"));
    PCollection<KV<String, Long>> counts = words.apply(Count.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 3L), KV.of("b", 2L), KV.of("c", 1L));

    PCollection<KV<String, Iterable<Integer>>> grouped =
        p.apply("Pairs", Create.of(KV.of("x", 1), KV.of("y", 2), KV.of("x", 3)))
            .apply(GroupByKey.create());
    PAssert.that(
            grouped.apply(
                "Sizes",
                MapElements.into(TypeDescriptors.integers())
                    .via(
                        kv ->
                            kv.getKey().equals("x")
                                ? 100 + sizeOf(kv.getValue())
                                : sizeOf(kv.getValue()))))
        .containsInAnyOrder(102, 1);

    PCollection<String> both =
        PCollectionList.of(words)
            .and(p.apply("More", Create.of("d")))
            .and(words)
            .apply(Flatten.pCollections());
    PAssert.that(both.apply("CountAll", Count.globally())).containsInAnyOrder(13L);

    PCollectionView<Long> total = words.apply("Total", Count.globally()).apply(View.asSingleton());
    PCollection<String> tagged =
        p.apply("Probe", Create.of("q"))
            .apply(ParDo.of(new AppendSideInput(total)).withSideInputs(total));
    PAssert.that(tagged).containsInAnyOrder("q6");
    PAsserts.runAndVerify(p);
  }

  /** Appends the value of a singleton side input to each element. */
  static final class AppendSideInput extends DoFn<String, String> {
    private final PCollectionView<Long> view;

    AppendSideInput(PCollectionView<Long> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + c.sideInput(view));
    }
  }

  /** Throws on element 700. */
  static final class FailOn700 extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      if (x == 700) {
        throw new IllegalStateException("user code says no");
      }
      out.output(x);
    }
  }

  private static int sizeOf(Iterable<Integer> values) {
    int n = 0;
    for (Integer ignored : values) {
      n++;
    }
    return n;
  }

  @Test
  void fixedWindowsGroupPerWindow() {
    Pipeline p = pipeline();
    PCollection<KV<String, Integer>> sums =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of(KV.of("k", 1), new Instant(0)),
                    TimestampedValue.of(KV.of("k", 2), new Instant(500)),
                    TimestampedValue.of(KV.of("k", 5), new Instant(1500))))
            .apply(Window.into(FixedWindows.of(org.joda.time.Duration.millis(1000))))
            .apply(Sum.integersPerKey());
    PAssert.that(sums).containsInAnyOrder(KV.of("k", 3), KV.of("k", 5));
    PAsserts.runAndVerify(p);
  }

  @Test
  void aThrowingDoFnFailsThePipelineWithTheUsersExceptionAndStopsEveryThread() {
    Pipeline p = pipeline();
    p.apply(GenerateSequence.from(0).to(1000)).apply(ParDo.of(new FailOn700()));
    PipelineExecutionException e = assertThrows(PipelineExecutionException.class, p::run);
    // The DoFn was cloned for its task, so compare by type and message, not identity.
    assertThat(e.getCause().getClass(), sameInstance(IllegalStateException.class));
    assertThat(e.getCause().getMessage(), equalTo("user code says no"));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Blocks in processElement until the test lets it go (never, for the cancel test). */
  static final class Blocking extends DoFn<Long, Long> {
    static final CountDownLatch STARTED = new CountDownLatch(1);

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) throws InterruptedException {
      STARTED.countDown();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void cancelStopsARunningPipelineAndWaitWithATimeoutReturnsNullMeanwhile() throws Exception {
    Pipeline p = pipeline("--blockOnRun=false");
    p.apply(GenerateSequence.from(0).to(10)).apply(ParDo.of(new Blocking()));
    PipelineResult result = p.run();
    assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
    assertThat(Blocking.STARTED.await(30, TimeUnit.SECONDS), equalTo(true));
    assertThat(result.waitUntilFinish(org.joda.time.Duration.millis(100)), nullValue());
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> assertThat(result.cancel(), equalTo(PipelineResult.State.CANCELLED)));
    assertThat(result.getState(), equalTo(PipelineResult.State.CANCELLED));
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.CANCELLED));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void aFinishedPipelineReportsDone() {
    Pipeline p = pipeline();
    PAssert.that(p.apply(Create.of(Map.of("a", 1)))).containsInAnyOrder(KV.of("a", 1));
    PipelineResult result = PAsserts.runAndVerify(p);
    assertThat(result.getState(), equalTo(PipelineResult.State.DONE));
    assertThat(
        result.waitUntilFinish(org.joda.time.Duration.millis(1)),
        equalTo(PipelineResult.State.DONE));
  }

  @Test
  void aBatchPipelineHasNoBatchesToListenTo() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> result.addStreamingListener(new StreamingListener() {}));
    assertThat(
        e.getMessage(), equalTo("Only a pipeline run with --streaming has batches to listen to"));
  }

  @Test
  void aCoderThatCannotBeSerializedFailsThePipelineNamingItsPCollectionBeforeAnythingRuns() {
    Pipeline p = pipeline();
    p.apply(Create.of(1L, 2L, 3L))
        .apply("Tripled", ParDo.of(new Tripling()))
        .setCoder(new UnserializableCoder());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(
        e.getMessage(),
        equalTo(
            "The coder UnserializableCoder of Tripled/ParMultiDo(Tripling).output cannot be"
                + " serialized"));
    assertThat(Tripling.CALLS.get(), equalTo(0));
    assertThat(EngineThreads.alive(), empty());
  }

  /** Counts its calls: none may happen when the pipeline is refused. */
  static final class Tripling extends DoFn<Long, Long> {
    static final AtomicInteger CALLS = new AtomicInteger();

    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      CALLS.incrementAndGet();
      out.output(3 * x);
    }
  }

  /** A coder that holds something Java serialization cannot write. */
  static final class UnserializableCoder extends AtomicCoder<Long> {
    @SuppressWarnings("unused")
    private final Object notSerializable = new Object();

    @Override
    public void encode(Long value, OutputStream out) throws IOException {
      VarLongCoder.of().encode(value, out);
    }

    @Override
    public Long decode(InputStream in) throws IOException {
      return VarLongCoder.of().decode(in);
    }

    @Override
    public String toString() {
      return "UnserializableCoder";
    }
  }
}
