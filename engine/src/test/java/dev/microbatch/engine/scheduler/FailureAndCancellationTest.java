package dev.microbatch.engine.scheduler;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.dataset.Pair;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailureAndCancellationTest {

  /** A partition that never ends by itself: it yields a record every millisecond. */
  private static Iterator<Integer> endless(CountDownLatch started) {
    started.countDown();
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        return i++;
      }
    };
  }

  @Test
  void theFirstTaskFailureFailsTheJobWithTheOriginalExceptionAndStopsTheOthers() {
    EngineContext engine = new EngineContext(4);
    IllegalArgumentException boom = new IllegalArgumentException("boom in partition 0");
    CountDownLatch othersStarted = new CountDownLatch(3);
    AtomicInteger cleanedUp = new AtomicInteger();
    Dataset<Integer> job =
        engine
            .<Integer>generate(
                4,
                (partition, task) -> {
                  task.onCompletion(cleanedUp::incrementAndGet);
                  if (partition == 0) {
                    try {
                      othersStarted.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                    throw boom;
                  }
                  return endless(othersStarted);
                })
            .map(x -> x + 1);

    RuntimeException thrown =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> assertThrows(RuntimeException.class, job::count));

    assertThat(thrown, sameInstance(boom));
    assertThat(cleanedUp.get(), equalTo(4));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void aFailureAfterAShuffleFailsTheJobToo() {
    EngineContext engine = new EngineContext(2);
    Dataset<Pair<Integer, Long>> counts =
        engine.parallelize(List.of(1, 2, 3, 1), 2).reduceByKey(x -> x, x -> 1L, Long::sum, 2);
    Dataset<Long> failing =
        counts.map(
            p -> {
              if (p.key() == 3) {
                throw new ArithmeticException("bad key 3");
              }
              return p.value();
            });
    ArithmeticException thrown = assertThrows(ArithmeticException.class, failing::collect);
    assertThat(thrown.getMessage(), equalTo("bad key 3"));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void cancelStopsARunningJob() throws Exception {
    EngineContext engine = new EngineContext(2);
    CountDownLatch started = new CountDownLatch(2);
    Dataset<Integer> endlessJob = engine.generate(2, (partition, task) -> endless(started));
    Thread canceller =
        new Thread(
            () -> {
              try {
                started.await();
                Thread.sleep(50);
              } catch (InterruptedException e) {
                return;
              }
              engine.cancel();
            });
    canceller.start();
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            assertThrows(
                JobCancelledException.class, () -> engine.runJob(List.of(endlessJob), List.of())));
    canceller.join();
    assertThat(EngineThreads.alive(), empty());
    // A cancelled context runs nothing more.
    assertThrows(JobCancelledException.class, () -> engine.parallelize(List.of(1), 1).collect());
  }
}
