package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.io.socket.SocketIO;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A socket source that cannot connect fails the job on the clock the user set with {@code
 * withRetryWindow}, with a message that names it, and the runner's own read retries ({@code
 * --readRetryWindowMillis}, 60 s by default) do not come on top of it.
 */
class SocketSourceFailureTest {

  @Test
  void withNobodyListeningTheJobFailsWithinASecondOfTheSocketsRetryWindow() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    PipelineResult job = start("localhost", port, Duration.standardSeconds(3));
    long started = System.currentTimeMillis();

    Pipeline.PipelineExecutionException failure =
        assertThrows(Pipeline.PipelineExecutionException.class, job::waitUntilFinish);

    long millis = System.currentTimeMillis() - started;
    System.out.printf("SOCKET: nobody listening, failed %d ms after the start%n", millis);
    assertThat(
        failure.getMessage(),
        containsString("Cannot connect to localhost:" + port + " for 3000 ms"));
    // the window the user set, and then the job ends (before, the runner's 60 s came on top)
    assertThat(millis, allOf(greaterThanOrEqualTo(2_900L), lessThan(4_000L)));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void whenTheServerGoesAwayTheJobFailsWithinASecondOfTheSocketsRetryWindow() throws Exception {
    PipelineResult job;
    long gone;
    try (ServerSocket server = new ServerSocket(0)) {
      job = start("localhost", server.getLocalPort(), Duration.standardSeconds(3));
      try (Socket client = server.accept()) {
        client.getOutputStream().write("one line\n".getBytes(StandardCharsets.UTF_8));
      }
      gone = System.currentTimeMillis();
    }

    Pipeline.PipelineExecutionException failure =
        assertThrows(Pipeline.PipelineExecutionException.class, job::waitUntilFinish);

    long millis = System.currentTimeMillis() - gone;
    System.out.printf("SOCKET: server gone, failed %d ms after%n", millis);
    assertThat(failure.getMessage(), containsString("for 3000 ms"));
    assertThat(millis, allOf(greaterThanOrEqualTo(2_900L), lessThan(4_000L)));
    assertThat(EngineThreads.alive(), empty());
  }

  @Test
  void anUnknownHostFailsTheJobAtOnceNamedAsSuch() {
    long start = System.currentTimeMillis();

    Pipeline.PipelineExecutionException failure =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () -> readLines("no-such-host.invalid", 9999, Duration.standardSeconds(30)));

    assertThat(failure.getMessage(), containsString("Unknown host no-such-host.invalid"));
    // not 30 s of "cannot connect" retries
    assertThat(System.currentTimeMillis() - start, lessThan(15_000L));
    assertThat(EngineThreads.alive(), empty());
  }

  private static void readLines(String host, int port, Duration retryWindow) {
    start(host, port, retryWindow).waitUntilFinish();
  }

  /** A streaming job that reads the socket's lines; returns once it runs. */
  private static PipelineResult start(String host, int port, Duration retryWindow) {
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=100",
                    "--consoleProgress=false",
                    "--blockOnRun=false")
                .create());
    pipeline
        .apply(SocketIO.read().withHost(host).withPort(port).withRetryWindow(retryWindow))
        .apply(ParDo.of(new Discard()));
    return pipeline.run();
  }

  private static final class Discard extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String line) {}
  }
}
