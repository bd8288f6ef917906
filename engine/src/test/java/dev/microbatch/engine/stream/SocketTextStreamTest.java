package dev.microbatch.engine.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketTextStreamTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualMicroBatchClock clock = new ManualMicroBatchClock();
  private final StreamingContext ssc = new StreamingContext(INTERVAL, 2, clock);

  @AfterEach
  void stop() {
    ssc.stop(false);
    assertThat(EngineThreads.alive(), empty());
  }

  /** Runs batches until {@code expected} lines arrived (loopback delivery is not instantaneous). */
  private static List<String> receive(
      MicroBatchRecorder<String> out, ManualMicroBatchClock clock, int expected) throws Exception {
    List<String> received = new ArrayList<>();
    for (int batch = 0; batch < 200 && received.size() < expected; batch++) {
      clock.advance(INTERVAL);
      long time = out.awaitBatch().batchTime();
      received.addAll(out.outputs.get(time));
    }
    return received;
  }

  @Test
  void eachBatchTakesTheCompleteLinesReceivedSoFar() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      MicroBatchRecorder<String> out =
          MicroBatchRecorder.of(ssc.socketTextStream("localhost", server.getLocalPort()));
      ssc.start();
      try (Socket client = server.accept()) {
        OutputStream to = client.getOutputStream();
        to.write("héllo wörld\r\nsecond".getBytes(UTF_8));
        to.flush();
        assertThat(receive(out, clock, 1), equalTo(List.of("héllo wörld")));

        to.write(" line\nthird\n".getBytes(UTF_8));
        to.flush();
        assertThat(receive(out, clock, 2), equalTo(List.of("second line", "third")));
      }
    }
  }

  @Test
  void withNobodyListeningItFailsNamingHostAndPortAfterTheRetryWindow() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    ssc.socketTextStream("localhost", port, Duration.ofMillis(1))
        .foreachBatch((d, time) -> d.collect());
    ssc.start();

    UncheckedIOException failure = awaitFailure();
    assertThat(failure.getMessage(), containsString("Cannot connect to localhost:" + port));
  }

  @Test
  void aPortOutOfRangeIsRefusedWhenTheStreamIsCreated() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ssc.socketTextStream("localhost", 70000));
    assertThat(e.getMessage(), containsString("Port 70000 of localhost is out of range 1-65535"));
  }

  @Test
  void aReceiverThatDiesOfAnythingFailsTheJob() throws Exception {
    // a null host kills the receiver's thread with an IllegalArgumentException, not an IOException
    ssc.socketTextStream(null, 9999, Duration.ofSeconds(30)).foreachBatch((d, time) -> d.collect());
    ssc.start();

    UncheckedIOException failure = awaitFailure();
    assertThat(failure.getMessage(), containsString("The receiver of null:9999 failed"));
  }

  /** Runs batches until the job fails (200 at most), and returns what it failed with. */
  private UncheckedIOException awaitFailure() throws InterruptedException {
    for (int batch = 0; batch < 200; batch++) {
      clock.advance(INTERVAL);
      try {
        ssc.awaitTerminationOrTimeout(Duration.ofMillis(20));
      } catch (UncheckedIOException e) {
        return e;
      }
    }
    throw new AssertionError("the job did not fail within 200 batches");
  }
}
