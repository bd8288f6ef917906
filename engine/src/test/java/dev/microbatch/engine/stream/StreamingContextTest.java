package dev.microbatch.engine.stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.microbatch.engine.EngineThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingContextTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualMicroBatchClock clock = new ManualMicroBatchClock();
  private final StreamingContext ssc = new StreamingContext(INTERVAL, 2, clock);
  private final Queue<List<Integer>> queue = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stopAndCheckThreads() {
    ssc.stop(false);
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void batchesRunOneAtATimeInOrderAndReportTheirDelays() throws Exception {
    List<Long> started = Collections.synchronizedList(new ArrayList<>());
    MicroBatchRecorder<Integer> out = MicroBatchRecorder.of(ssc.queueStream(queue, true));
    ssc.addListener(
        new StreamingListener() {
          @Override
          public void onBatchStarted(long batchTime) {
            started.add(batchTime);
          }
        });
    queue.add(List.of(1, 2, 3));
    ssc.start();

    clock.advance(INTERVAL.multipliedBy(3));
    MicroBatchInfo first = out.awaitBatch();
    MicroBatchInfo second = out.awaitBatch();
    MicroBatchInfo third = out.awaitBatch();

    assertThat(started, equalTo(List.of(1000L, 2000L, 3000L)));
    assertThat(
        List.of(first.batchTime(), second.batchTime(), third.batchTime()),
        equalTo(List.of(1000L, 2000L, 3000L)));
    assertThat(first.inputRecords(), equalTo(Map.of("queue", 3L)));
    assertThat(second.numRecords(), equalTo(0L));
    // the clock stood at 3000 ms when all three ran
    assertThat(first.schedulingDelay(), equalTo(2000L));
    assertThat(third.schedulingDelay(), equalTo(0L));
    assertThat(first.totalDelay(), equalTo(2000L));
    assertThat(first.watermark(), equalTo(1000L));
  }

  @Test
  void listenersHearABatchSubmittedBeforeItStartsSoNoneStaysWaiting() throws Exception {
    // Holds up the news of a submission until the batch has started (1 s at most): where a batch
    // can start before its submission is heard, this makes it happen.
    CountDownLatch started = new CountDownLatch(1);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    ssc.addListener(
        new StreamingListener() {
          @Override
          public void onBatchSubmitted(long batchTime) {
            try {
              started.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            events.add("submitted " + batchTime);
          }

          @Override
          public void onBatchStarted(long batchTime) {
            events.add("started " + batchTime);
            started.countDown();
          }
        });
    MicroBatchStatistics statistics = new MicroBatchStatistics(INTERVAL.toMillis(), 0, 10);
    ssc.addListener(statistics);
    MicroBatchRecorder<Integer> out = MicroBatchRecorder.of(ssc.queueStream(queue, true));
    ssc.start();

    clock.advance(INTERVAL);
    out.awaitBatch();

    assertThat(events, equalTo(List.of("submitted 1000", "started 1000")));
    assertThat(statistics.snapshot().waiting(), empty());
  }

  @Test
  void aCapPerBatchLeavesTheRestForLaterBatches() throws Exception {
    MicroBatchRecorder<Integer> out =
        MicroBatchRecorder.of(ssc.queueStream(queue, false).withMaxRecordsPerBatch(4));
    queue.add(List.of(1, 2, 3));
    queue.add(List.of(4, 5, 6, 7));
    ssc.start();

    clock.advance(INTERVAL);
    assertThat(out.awaitBatch().numRecords(), equalTo(4L));
    clock.advance(INTERVAL);
    assertThat(out.awaitBatch().numRecords(), equalTo(3L));
    assertThat(out.outputs.get(1000L), equalTo(List.of(1, 2, 3, 4)));
    assertThat(out.outputs.get(2000L), equalTo(List.of(5, 6, 7)));
  }

  @Test
  void aPullSourceIsReadByPartitionAndToldWhenItsBatchCompleted() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    PullSource<Long> source =
        new PullSource<>() {
          @Override
          public int numPartitions() {
            return 2;
          }

          @Override
          public Iterator<Long> read(int partition, long batchTime, long maxRecords) {
            events.add("read " + partition + " " + batchTime + " max " + maxRecords);
            return LongStream.range(0, maxRecords).map(i -> partition * 100 + i).iterator();
          }

          @Override
          public void batchCompleted(long batchTime) {
            events.add("completed " + batchTime);
          }

          @Override
          public long watermark(long batchTime) {
            return batchTime - 500;
          }
        };
    MicroBatchRecorder<Long> out =
        MicroBatchRecorder.of(ssc.pullStream("numbers", source).withMaxRecordsPerBatch(6));
    ssc.start();

    clock.advance(INTERVAL);
    MicroBatchInfo batch = out.awaitBatch();

    assertThat(out.outputs.get(1000L), equalTo(List.of(0L, 1L, 2L, 100L, 101L, 102L)));
    assertThat(batch.inputRecords(), equalTo(Map.of("numbers", 6L)));
    assertThat(batch.watermark(), equalTo(500L));
    assertThat(events.get(2), equalTo("completed 1000"));
    assertThat(events.subList(0, 2), containsInAnyOrder("read 0 1000 max 3", "read 1 1000 max 3"));
  }

  @Test
  void aGracefulStopRunsTheQueuedBatchesFirst() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Long> ran = Collections.synchronizedList(new ArrayList<>());
    ssc.queueStream(queue, true)
        .foreachBatch(
            (d, time) -> {
              ran.add(time);
              awaitQuietly(release);
            });
    ssc.start();
    clock.advance(INTERVAL.multipliedBy(3));
    clock.awaitWaiterFor(4000); // batches 1000, 2000 and 3000 are queued

    Thread stopper = new Thread(() -> ssc.stop(true));
    stopper.start();
    release.countDown();
    stopper.join(10_000);

    assertThat(ran, equalTo(List.of(1000L, 2000L, 3000L)));
    assertTrue(ssc.awaitTerminationOrTimeout(Duration.ZERO));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void anImmediateStopCancelsTheRunningBatchAndDropsTheQueued() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    List<Long> ran = Collections.synchronizedList(new ArrayList<>());
    ssc.queueStream(queue, true)
        .foreachBatch(
            (d, time) -> {
              ran.add(time);
              running.countDown();
              d.context()
                  .generate(
                      2,
                      (partition, task) -> {
                        while (true) {
                          task.checkCancelled();
                          Thread.onSpinWait();
                        }
                      })
                  .collect();
            });
    ssc.start();
    clock.advance(INTERVAL.multipliedBy(3));
    assertTrue(running.await(10, TimeUnit.SECONDS));

    ssc.stop(false);

    assertThat(ran, equalTo(List.of(1000L)));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void aFailingOutputStopsTheContextAndAwaitTerminationThrowsIt() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    ssc.queueStream(queue, true)
        .map(
            n -> {
              throw boom;
            })
        .foreachBatch((d, time) -> d.collect());
    queue.add(List.of(1));
    ssc.start();
    clock.advance(INTERVAL);

    IllegalStateException thrown = assertThrows(IllegalStateException.class, ssc::awaitTermination);

    assertThat(thrown, sameInstance(boom));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void aFailureIsLoggedInOneLineLeavingItsStackTraceToWhoGetsTheException() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      ssc.queueStream(queue, true)
          .map(
              n -> {
                throw new IllegalStateException("boom");
              })
          .foreachBatch((d, time) -> d.collect());
      queue.add(List.of(1));
      ssc.start();
      clock.advance(INTERVAL);
      assertThrows(IllegalStateException.class, ssc::awaitTermination);
    } finally {
      System.setErr(stderr);
    }

    String logged = log.toString(StandardCharsets.UTF_8);
    assertThat(
        logged,
        containsString("Streaming job failed; stopping: java.lang.IllegalStateException: boom"));
    assertThat(logged, not(containsString("\tat ")));
  }

  @Test
  void aStoppedContextCannotBeRestarted() {
    ssc.queueStream(queue, true).foreachBatch((d, time) -> {});
    ssc.start();
    ssc.stop(true);

    IllegalStateException e = assertThrows(IllegalStateException.class, ssc::start);
    assertThat(e.getMessage(), containsString("cannot be restarted"));
  }

  @Test
  void startingWithoutOutputsOrAddingStreamsAfterStartFails() {
    DStream<Integer> numbers = ssc.queueStream(queue, true);
    assertThat(
        assertThrows(IllegalStateException.class, ssc::start).getMessage(),
        containsString("No output operations"));

    numbers.foreachBatch((d, time) -> {});
    ssc.start();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> numbers.map(n -> n));
    assertThat(e.getMessage(), containsString("already started"));
  }

  @Test
  void awaitTerminationOrTimeoutReturnsFalseWhileRunning() throws Exception {
    ssc.queueStream(queue, true).foreachBatch((d, time) -> {});
    ssc.start();
    assertFalse(ssc.awaitTerminationOrTimeout(Duration.ofMillis(50)));
  }

  @Test
  void aNonPositiveBatchIntervalIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new StreamingContext(Duration.ZERO, 1));
    assertThat(e.getMessage(), containsString("batch interval must be positive"));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
