package dev.microbatch.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.stream.DStream;
import dev.microbatch.engine.stream.ManualMicroBatchClock;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingContext;
import dev.microbatch.engine.stream.StreamingListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EngineSocketWordCountTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @Test
  void countsTheWordsOfEachBatchFromARealSocket() throws Exception {
    ManualMicroBatchClock clock = new ManualMicroBatchClock();
    StreamingContext ssc = new StreamingContext(INTERVAL, 2, clock);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<Long, List<Pair<String, Integer>>> counts = new ConcurrentHashMap<>();
    BlockingQueue<MicroBatchInfo> batches = new LinkedBlockingQueue<>();
    try (ServerSocket server = new ServerSocket(0)) {
      DStream<Pair<String, Integer>> wordCounts =
          EngineSocketWordCount.wordCounts(
              ssc.socketTextStream("localhost", server.getLocalPort()));
      wordCounts.print(10, new PrintStream(printed, true, UTF_8));
      wordCounts.foreachBatch((dataset, time) -> counts.put(time, dataset.collect()));
      ssc.addListener(
          new StreamingListener() {
            @Override
            public void onBatchCompleted(MicroBatchInfo batch) {
              batches.add(batch);
            }
          });
      ssc.start();
      try (Socket nc = server.accept()) {
        OutputStream typed = nc.getOutputStream();
        typed.write("to be or not to be\n".getBytes(UTF_8));
        typed.flush();
        long first = batchWithRecords(clock, batches);
        assertThat(
            counts.get(first), containsInAnyOrder(p("to", 2), p("be", 2), p("or", 1), p("not", 1)));

        typed.write("be quick\n".getBytes(UTF_8));
        typed.flush();
        long second = batchWithRecords(clock, batches);
        assertThat(counts.get(second), containsInAnyOrder(p("be", 1), p("quick", 1)));
        assertThat(printed.toString(UTF_8), containsString("Time: " + second + " ms\n"));
        assertThat(printed.toString(UTF_8), containsString("(quick,1)"));
      }
    } finally {
      ssc.stop(true);
    }
  }

  /** Advances the clock batch by batch until a batch reads a line; returns its time. */
  private static long batchWithRecords(
      ManualMicroBatchClock clock, BlockingQueue<MicroBatchInfo> batches)
      throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      clock.advance(INTERVAL);
      MicroBatchInfo batch = batches.poll(10, TimeUnit.SECONDS);
      assertThat("a batch completes", batch, notNullValue());
      if (batch.numRecords() > 0) {
        return batch.batchTime();
      }
    }
    throw new AssertionError("no line arrived in 200 batches");
  }

  private static Pair<String, Integer> p(String word, int count) {
    return new Pair<>(word, count);
  }

  @Test
  void aBadArgumentGetsItsProblemAndTheUsageLine() {
    IllegalArgumentException notANumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> EngineSocketWordCount.address(new String[] {"localhost", "99x"}));
    assertThat(notANumber.getMessage(), equalTo("Not a port: 99x\n" + EngineSocketWordCount.USAGE));
    IllegalArgumentException outOfRange =
        assertThrows(
            IllegalArgumentException.class,
            () -> EngineSocketWordCount.address(new String[] {"localhost", "70000"}));
    assertThat(
        outOfRange.getMessage(),
        equalTo("Port 70000 of localhost is out of range 1-65535\n" + EngineSocketWordCount.USAGE));
    assertThat(
        EngineSocketWordCount.address(new String[0]),
        equalTo(new EngineSocketWordCount.Address("localhost", 9999)));
  }
}
