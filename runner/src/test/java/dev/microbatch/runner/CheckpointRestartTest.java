package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming job with --checkpointDirectory, cancelled mid-stream and started again on the same
 * directory, ends with exactly the results of a job never interrupted: the source resumes at its
 * checkpointed position, and GroupByKey and stateful DoFn state carry on from the checkpoint.
 */
class CheckpointRestartTest {
  private static final int WINDOWS = 10;
  private static final long PER_WINDOW = 1000;
  private static final int KEYS = 4;

  /** The latest result of each (kind, window, key), written by the running job. */
  private static final Map<String, String> RESULTS = new ConcurrentHashMap<>();

  /** The (kind, window, key) of every result the restarted job wrote. */
  private static final Set<String> RESTARTED_WROTE = ConcurrentHashMap.newKeySet();

  private static volatile boolean restarted;

  @TempDir Path checkpoints;

  private Pipeline sequenceSums(String... extraArgs) {
    String[] args =
        Stream.concat(
                Stream.of(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=100",
                    "--parallelism=2",
                    "--maxRecordsPerBatch=400",
                    "--checkpointIntervalBatches=2",
                    "--blockOnRun=false",
                    "--checkpointDirectory=" + checkpoints),
                Stream.of(extraArgs))
            .toArray(String[]::new);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.fromArgs(args).create());
    PCollection<KV<Long, Long>> keyed =
        pipeline
            .apply(GenerateSequence.from(0).withTimestampFn(n -> new Instant(n)))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(n -> KV.of(n % KEYS, n)))
            .apply(Window.into(FixedWindows.of(Duration.millis(PER_WINDOW))));
    keyed.apply(Sum.longsPerKey()).apply("Record sums", ParDo.of(new Record("sum")));
    keyed
        .apply(ParDo.of(new CountAndSumAtWindowEnd()))
        .apply("Record state", ParDo.of(new Record("state")));
    return pipeline;
  }

  @Test
  void aJobCancelledMidStreamResumesFromItsCheckpointAndEndsWithExactlyTheUninterruptedResults()
      throws Exception {
    RESULTS.clear();
    RESTARTED_WROTE.clear();
    restarted = false;
    PipelineResult first = sequenceSums().run();
    await(() -> RESULTS.containsKey("sum 2 0"), first);
    // a checkpoint every 2 batches: two more are past the batch that wrote window 2's sums
    long seen = newestCheckpoint();
    await(() -> newestCheckpoint() > seen, first);
    long next = newestCheckpoint();
    await(() -> newestCheckpoint() > next, first);
    first.cancel();
    assertThat(
        "the first run was stopped mid-stream", RESULTS.containsKey("sum 9 0"), equalTo(false));

    restarted = true;
    PipelineResult second = sequenceSums().run();
    await(() -> RESULTS.size() >= 2 * WINDOWS * KEYS, second);
    second.cancel();

    // only a restore gives this: a job started afresh computes windows 0 and 1 again
    assertThat(
        "results the restarted job wrote for windows closed before its checkpoint",
        RESTARTED_WROTE.stream().filter(r -> Long.parseLong(r.split(" ")[1]) < 2).toList(),
        empty());

    Map<String, String> expected = new TreeMap<>();
    for (long window = 0; window < WINDOWS; window++) {
      for (long key = 0; key < KEYS; key++) {
        long sum = 0;
        for (long n = window * PER_WINDOW; n < (window + 1) * PER_WINDOW; n++) {
          sum += n % KEYS == key ? n : 0;
        }
        expected.put("sum " + window + " " + key, Long.toString(sum));
        expected.put("state " + window + " " + key, PER_WINDOW / KEYS + " " + sum);
      }
    }
    Map<String, String> firstWindows = new TreeMap<>(RESULTS);
    firstWindows.keySet().removeIf(result -> Long.parseLong(result.split(" ")[1]) >= WINDOWS);
    assertThat(firstWindows, equalTo(expected));
  }

  /** Counts batches 1..n as they complete. */
  private static CountDownLatch batches(PipelineResult job, int n) {
    CountDownLatch latch = new CountDownLatch(n);
    ((MicroBatchPipelineResult) job)
        .addStreamingListener(
            new StreamingListener() {
              @Override
              public void onBatchCompleted(MicroBatchInfo batch) {
                latch.countDown();
              }
            });
    return latch;
  }

  private Pipeline scriptedRead(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--runner=MicroBatchRunner",
                "--streaming",
                "--batchIntervalMillis=20",
                "--blockOnRun=false",
                "--checkpointDirectory=" + checkpoints));
    all.addAll(List.of(args));
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs(all.toArray(String[]::new)).create());
    List<TimestampedValue<String>> script = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      script.add(TimestampedValue.of("w" + i, new Instant(i)));
    }
    pipeline.apply(Read.from(new ScriptedUnboundedSource(script, 2)));
    return pipeline;
  }

  @Test
  void withCheckpointsASourcesMarksAreFinalizedOnlyOnceACheckpointCoversTheirBatch()
      throws Exception {
    // KafkaIO commits its offsets when a mark is finalized: a job that dies before its first
    // checkpoint restarts afresh, from the committed offsets, which must not be past what it lost
    ScriptedUnboundedSource.FINALIZED.set(0);
    PipelineResult noCheckpointYet = scriptedRead("--checkpointIntervalBatches=1000").run();
    assertThat(batches(noCheckpointYet, 10).await(30, TimeUnit.SECONDS), equalTo(true));
    noCheckpointYet.cancel();
    assertThat(
        "marks finalized before any checkpoint",
        ScriptedUnboundedSource.FINALIZED.get(),
        equalTo(0));

    PipelineResult checkpointing = scriptedRead("--checkpointIntervalBatches=2").run();
    assertThat(batches(checkpointing, 10).await(30, TimeUnit.SECONDS), equalTo(true));
    checkpointing.cancel();
    assertThat(
        "marks finalized after checkpoints",
        ScriptedUnboundedSource.FINALIZED.get() > 0,
        equalTo(true));
  }

  @Test
  void aCorruptCheckpointIsRefusedNamingItsFile() throws IOException {
    Path corrupt = checkpoints.resolve("checkpoint-1000");
    Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    RuntimeException e = assertThrows(RuntimeException.class, () -> sequenceSums().run());
    assertThat(e.getMessage(), containsString(corrupt.toString()));
  }

  @Test
  void aCheckpointOfAnotherPipelineIsRefusedNamingIt() throws Exception {
    PipelineResult other = sequenceSums().run();
    await(() -> checkpointFiles() >= 1, other);
    other.cancel();
    Pipeline changed = sequenceSums();
    changed.apply("Another source", GenerateSequence.from(0).to(10));
    RuntimeException e = assertThrows(RuntimeException.class, changed::run);
    assertThat(e.getMessage(), containsString(checkpoints.toString()));
    assertThat(e.getMessage(), containsString("another pipeline"));
  }

  @Test
  void aCheckpointDirectoryThatCannotBeWrittenIsRefusedNamingIt() throws IOException {
    Path file = Files.createFile(checkpoints.resolve("a-file"));
    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> sequenceSums("--checkpointDirectory=" + file).run());
    assertThat(e.getMessage(), containsString(file.toString()));
  }

  @Test
  void aTestStreamCannotBeCheckpointedAndSaysSo() {
    Pipeline pipeline = sequenceSums();
    pipeline.apply(
        TestStream.create(VarLongCoder.of()).addElements(1L).advanceWatermarkToInfinity());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, pipeline::run);
    assertThat(e.getMessage(), containsString("TestStream"));
  }

  /** The batch time of the newest checkpoint, 0 if none. */
  private long newestCheckpoint() throws IOException {
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("checkpoint-\\d+"))
          .mapToLong(name -> Long.parseLong(name.substring("checkpoint-".length())))
          .max()
          .orElse(0);
    }
  }

  private long checkpointFiles() throws IOException {
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).count();
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits for {@code condition} while the job runs; fails if the job ends or 60 s pass. */
  private static void await(Condition condition, PipelineResult job) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!condition.holds()) {
      if (job.getState().isTerminal() || System.currentTimeMillis() > deadline) {
        job.cancel();
        throw new AssertionError(
            "Gave up waiting; the job is "
                + job.getState()
                + ", results "
                + new TreeMap<>(RESULTS));
      }
      Thread.sleep(20);
    }
  }

  /** Keeps the latest value of each window and key, under {@code kind}. */
  private static final class Record extends DoFn<KV<Long, ?>, Void> {
    private final String kind;

    Record(String kind) {
      this.kind = kind;
    }

    @ProcessElement
    public void process(@Element KV<Long, ?> result, BoundedWindow window) {
      long index = ((IntervalWindow) window).start().getMillis() / PER_WINDOW;
      String name = kind + " " + index + " " + result.getKey();
      RESULTS.put(name, String.valueOf(result.getValue()));
      if (restarted) {
        RESTARTED_WROTE.add(name);
      }
    }
  }

  /** Counts and sums a key's values in state; at the window's end outputs "count sum". */
  private static final class CountAndSumAtWindowEnd extends DoFn<KV<Long, Long>, KV<Long, String>> {
    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("sum")
    private final StateSpec<CombiningState<Long, long[], Long>> sumSpec =
        StateSpecs.combining(Sum.ofLongs());

    @StateId("key")
    private final StateSpec<ValueState<Long>> keySpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<Long, Long> element,
        BoundedWindow window,
        @StateId("count") ValueState<Long> count,
        @StateId("sum") CombiningState<Long, long[], Long> sum,
        @StateId("key") ValueState<Long> key,
        @TimerId("end") Timer end) {
      Long counted = count.read();
      count.write(counted == null ? 1 : counted + 1);
      sum.add(element.getValue());
      key.write(element.getKey());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        OnTimerContext c,
        @StateId("count") ValueState<Long> count,
        @StateId("sum") CombiningState<Long, long[], Long> sum,
        @StateId("key") ValueState<Long> key) {
      c.output(KV.of(key.read(), count.read() + " " + sum.read()));
    }
  }
}
