package dev.microbatch.engine.stream;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.engine.EngineThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class PacedMicroBatchClockTest {

  @Test
  void batchesOfAnHourEachRunBackToBackInOrderOnceTheOneBeforeCompleted() throws Exception {
    // With the wall clock these five batches would take five hours.
    PacedMicroBatchClock clock = new PacedMicroBatchClock(0);
    StreamingContext ssc = new StreamingContext(Duration.ofHours(1), 2, clock);
    ssc.addListener(clock);
    Queue<List<Integer>> queue = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 5; i++) {
      queue.add(List.of(i));
    }
    MicroBatchRecorder<Integer> out = MicroBatchRecorder.of(ssc.queueStream(queue, true));
    ssc.start();
    try {
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        times.add(out.awaitBatch().batchTime());
      }
      long hour = Duration.ofHours(1).toMillis();
      assertThat(times, equalTo(List.of(hour, 2 * hour, 3 * hour, 4 * hour, 5 * hour)));
    } finally {
      ssc.stop(false);
    }
    assertThat(EngineThreads.alive(), empty());
  }
}
