package dev.microbatch.engine.stream.socket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketLineReceiverTest {
  private final List<SocketLineReceiver> receivers = new ArrayList<>();

  private SocketLineReceiver receiver(int port, Duration retryWindow, long bufferChars) {
    return receiver(port, retryWindow, bufferChars, SocketLineReceiver.DEFAULT_MAX_LINE_BYTES);
  }

  private SocketLineReceiver receiver(
      int port, Duration retryWindow, long bufferChars, int maxLineBytes) {
    SocketLineReceiver receiver =
        new SocketLineReceiver("localhost", port, retryWindow, bufferChars, maxLineBytes);
    receivers.add(receiver);
    receiver.start();
    return receiver;
  }

  @AfterEach
  void closeReceiversAndCheckTheirThreadsEnded() {
    receivers.forEach(SocketLineReceiver::close);
    assertThat(receiverThreads(), empty());
  }

  static List<String> receiverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(SocketLineReceiver.THREAD_PREFIX))
        .toList();
  }

  /** Polls until {@code count} lines came (loopback delivery is quick, not instantaneous). */
  static List<SocketLineReceiver.Line> take(SocketLineReceiver receiver, int count)
      throws Exception {
    List<SocketLineReceiver.Line> lines = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 10_000;
    while (lines.size() < count) {
      SocketLineReceiver.Line line = receiver.poll();
      if (line != null) {
        lines.add(line);
      } else if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("only " + lines.size() + " of " + count + " lines arrived");
      } else {
        Thread.sleep(1);
      }
    }
    return lines;
  }

  private static List<String> texts(List<SocketLineReceiver.Line> lines) {
    return lines.stream().map(SocketLineReceiver.Line::text).toList();
  }

  @Test
  void linesArriveWholeAndInOrderEachStampedWithItsArrivalTime() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver =
          receiver(server.getLocalPort(), Duration.ofSeconds(10), 1 << 20);
      try (Socket client = server.accept()) {
        OutputStream to = client.getOutputStream();
        long before = System.currentTimeMillis();
        to.write("héllo wörld\r\nsecond".getBytes(UTF_8));
        to.flush();
        List<SocketLineReceiver.Line> first = take(receiver, 1);
        to.write(" line\nthird\n".getBytes(UTF_8));
        to.flush();
        List<SocketLineReceiver.Line> rest = take(receiver, 2);
        long after = System.currentTimeMillis();

        assertThat(texts(first), equalTo(List.of("héllo wörld")));
        assertThat(texts(rest), equalTo(List.of("second line", "third")));
        long firstArrival = first.get(0).arrivalMillis();
        assertThat(firstArrival, allOf(greaterThanOrEqualTo(before), lessThanOrEqualTo(after)));
        assertThat(
            rest.get(0).arrivalMillis(),
            allOf(greaterThanOrEqualTo(firstArrival), lessThanOrEqualTo(after)));
        // nothing waits: the watermark is now, and no later line can be stamped before it
        assertThat(receiver.watermarkMillis(), greaterThanOrEqualTo(rest.get(1).arrivalMillis()));
      }
    }
  }

  @Test
  void theWatermarkIsTheOldestLineNotYetTaken() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver =
          receiver(server.getLocalPort(), Duration.ofSeconds(10), 1 << 20);
      try (Socket client = server.accept()) {
        client.getOutputStream().write("one\ntwo\n".getBytes(UTF_8));
        client.getOutputStream().flush();
        long deadline = System.currentTimeMillis() + 10_000;
        long watermark;
        // wait, taking nothing, until a line is queued: then the watermark stops moving with the
        // clock
        do {
          watermark = receiver.watermarkMillis();
          Thread.sleep(20);
        } while (receiver.watermarkMillis() != watermark && System.currentTimeMillis() < deadline);

        SocketLineReceiver.Line one = receiver.poll();
        assertThat(watermark, equalTo(one.arrivalMillis()));
        assertThat(take(receiver, 1).get(0).text(), equalTo("two"));
      }
    }
  }

  @Test
  void itReconnectsWhenTheServerClosesTheConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver =
          receiver(server.getLocalPort(), Duration.ofSeconds(10), 1 << 20);
      try (Socket first = server.accept()) {
        first.getOutputStream().write("before\n".getBytes(UTF_8));
      }
      try (Socket second = server.accept()) {
        second.getOutputStream().write("after\n".getBytes(UTF_8));
        second.getOutputStream().flush();
        assertThat(texts(take(receiver, 2)), equalTo(List.of("before", "after")));
      }
    }
  }

  @Test
  void withNobodyListeningItFailsNamingHostAndPortAfterTheRetryWindow() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    SocketLineReceiver receiver = receiver(port, Duration.ofMillis(300), 1 << 20);
    long deadline = System.currentTimeMillis() + 10_000;
    IOException failure = null;
    while (failure == null && System.currentTimeMillis() < deadline) {
      try {
        assertThat(receiver.poll(), equalTo(null));
        Thread.sleep(10);
      } catch (IOException e) {
        failure = e;
      }
    }
    assertThat(
        failure.getMessage(),
        containsString("Cannot connect to localhost:" + port + " for 300 ms"));
    IOException again = assertThrows(IOException.class, receiver::poll);
    assertThat(again.getMessage(), containsString("localhost:" + port));
  }

  @Test
  void aReceiverNobodyReadsFromStopsAtItsBufferSoTheSenderWaitsAndNothingIsLost() throws Exception {
    int lineCount = 40_000;
    String line = "x".repeat(999);
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver = receiver(server.getLocalPort(), Duration.ofSeconds(10), 10_000);
      try (Socket client = server.accept()) {
        AtomicLong sent = new AtomicLong();
        CompletableFuture<Void> sender =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    OutputStream to = client.getOutputStream();
                    for (int i = 0; i < lineCount; i++) {
                      to.write((line + "\n").getBytes(UTF_8));
                      sent.incrementAndGet();
                    }
                    to.flush();
                  } catch (IOException e) {
                    throw new RuntimeException(e);
                  }
                });
        // 40 MB cannot all fit in the socket buffers and a 10,000-character receiver buffer
        assertThrows(Exception.class, () -> sender.get(1, TimeUnit.SECONDS));
        assertThat(sent.get(), lessThan((long) lineCount));

        List<SocketLineReceiver.Line> received = take(receiver, lineCount);
        sender.get(10, TimeUnit.SECONDS);
        assertThat(
            received.stream().filter(l -> l.text().equals(line)).count(),
            equalTo((long) lineCount));
      }
    }
  }

  @Test
  void aLineOverTheLimitComesInPiecesAndInvalidUtf8IsReplacedBothCounted() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver =
          receiver(server.getLocalPort(), Duration.ofSeconds(10), 1 << 20, 8);
      try (Socket client = server.accept()) {
        OutputStream to = client.getOutputStream();
        to.write("abcdefghijkl\n".getBytes(UTF_8));
        to.write(new byte[] {'o', 'k', (byte) 0xC3, '\n'}); // a lead byte without its continuation
        to.write("short\n".getBytes(UTF_8));
        to.flush();
        assertThat(
            texts(take(receiver, 4)), equalTo(List.of("abcdefgh", "ijkl", "ok\uFFFD", "short")));
        assertThat(receiver.splitLines(), equalTo(1L));
        assertThat(receiver.invalidUtf8Lines(), equalTo(1L));
      }
    }
  }

  @Test
  void closingStopsTheReceiverThread() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketLineReceiver receiver =
          receiver(server.getLocalPort(), Duration.ofSeconds(10), 1 << 20);
      try (Socket client = server.accept()) {
        assertThat(receiverThreads().size(), equalTo(1));
        receiver.close();
        assertThat(receiverThreads(), empty());
        assertThat(client.getInputStream().read(), equalTo(-1)); // the connection is closed too
      }
    }
  }
}
