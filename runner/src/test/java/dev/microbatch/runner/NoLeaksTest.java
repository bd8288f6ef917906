package dev.microbatch.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * 500 small pipelines one after another in one JVM, batch and streaming, some failing and some
 * cancelled, leave the live threads and the retained heap where they were.
 */
class NoLeaksTest {
  private static final int PIPELINES = 500;

  private static Pipeline pipeline(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--runner=MicroBatchRunner";
    all[1] = "--parallelism=2";
    System.arraycopy(args, 0, all, 2, args.length);
    return Pipeline.create(PipelineOptionsFactory.fromArgs(all).create());
  }

  private static final class Fails extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long n) {
      throw new IllegalStateException("fails on " + n);
    }
  }

  /** One of four kinds, in turn: batch, streaming to its end, failing, cancelled mid-stream. */
  private static void runOne(int i) throws Exception {
    switch (i % 4) {
      case 0 -> {
        Pipeline p = pipeline();
        p.apply(Create.of(1L, 2L, 2L, 3L)).apply(Count.perElement());
        p.run().waitUntilFinish();
      }
      case 1 -> {
        Pipeline p = pipeline("--streaming", "--batchIntervalMillis=5");
        p.apply(GenerateSequence.from(0).to(20))
            .apply(MapElements.into(TypeDescriptors.longs()).via(n -> n % 3))
            .apply(Count.perElement());
        p.run().waitUntilFinish();
      }
      case 2 -> {
        Pipeline p =
            pipeline(
                i % 8 == 2
                    ? new String[] {}
                    : new String[] {"--streaming", "--batchIntervalMillis=5"});
        p.apply(GenerateSequence.from(0).to(5)).apply(ParDo.of(new Fails()));
        assertThrows(PipelineExecutionException.class, () -> p.run().waitUntilFinish());
      }
      default -> {
        Pipeline p = pipeline("--streaming", "--batchIntervalMillis=5", "--blockOnRun=false");
        p.apply(GenerateSequence.from(0).withRate(1000, Duration.standardSeconds(1)))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
            .apply(Count.perElement());
        PipelineResult result = p.run();
        result.waitUntilFinish(Duration.millis(20));
        result.cancel();
      }
    }
  }

  private static long retainedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Threads the JVM itself starts and ends as it likes (the common fork-join pool's workers, say):
   * not the pipelines' doing.
   */
  private static boolean ownedByTheJvm(Thread thread) {
    String name = thread.getName();
    return name.startsWith("ForkJoinPool.commonPool-worker")
        || name.equals("process reaper")
        || name.equals("Attach Listener")
        || name.equals("Common-Cleaner");
  }

  /**
   * The threads alive now that were not in {@code before}, once each has had 10 s to end (a pool
   * shut down a moment ago may still be on its way out).
   */
  private static List<String> threadsLeftSince(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (before.contains(thread) || ownedByTheJvm(thread)) {
        continue;
      }
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (thread.isAlive()) {
        left.add(thread.getName());
      }
    }
    return left;
  }

  @Test
  void fiveHundredPipelinesLeaveNoThreadBehindAndTheRetainedHeapWhereItWas() throws Exception {
    // warm up: classes loaded, caches filled, once
    for (int i = 0; i < 8; i++) {
      runOne(i);
    }
    Set<Thread> threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
    long heapBefore = retainedHeap();

    for (int i = 0; i < PIPELINES; i++) {
      runOne(i);
    }

    assertThat(EngineThreads.alive(), empty());
    List<String> threadsLeft = threadsLeftSince(threadsBefore);
    long heapAfter = retainedHeap();
    System.out.printf(
        "LEAKS: %d pipelines; threads left behind %s; retained heap %d MB before, %d MB after%n",
        PIPELINES, threadsLeft, heapBefore >> 20, heapAfter >> 20);
    assertThat("threads started by the pipelines and still alive", threadsLeft, empty());
    // A measurement, so a generous bound: what it catches is a leak per pipeline, which 500 of
    // them turn into far more (a leaked 100 KB each would be 49 MB); a collection's leftovers
    // vary by a few MB.
    assertThat("retained heap growth, MB", (heapAfter - heapBefore) >> 20, lessThan(32L));
  }
}
