package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.io.socket.SocketIO;
import java.net.ServerSocket;
import org.apache.beam.sdk.Pipeline;
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
  void withNobodyListeningTheJobFailsWhenTheSocketsRetryWindowEnds() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    long start = System.currentTimeMillis();

    Pipeline.PipelineExecutionException failure =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () -> readLines("localhost", port, Duration.standardSeconds(2)));

    long millis = System.currentTimeMillis() - start;
    assertThat(
        failure.getMessage(),
        containsString("Cannot connect to localhost:" + port + " for 2000 ms"));
    // 2 s of retries, and then the job ends: before, the runner's 60 s window followed
    assertThat(millis, lessThan(15_000L));
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
    Pipeline pipeline =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs(
                    "--runner=MicroBatchRunner",
                    "--streaming",
                    "--batchIntervalMillis=100",
                    "--consoleProgress=false")
                .create());
    pipeline
        .apply(SocketIO.read().withHost(host).withPort(port).withRetryWindow(retryWindow))
        .apply(ParDo.of(new Discard()));
    pipeline.run().waitUntilFinish();
  }

  private static final class Discard extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String line) {}
  }
}
