package dev.microbatch.io.socket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.Closeable;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class SocketIOTest {
  private final PipelineOptions options = PipelineOptionsFactory.create();

  @Test
  void readGivesAnUnboundedCollectionOfStrings() {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<String> lines =
        pipeline.apply(SocketIO.read().withHost("localhost").withPort(9999));
    assertThat(lines.isBounded(), equalTo(PCollection.IsBounded.UNBOUNDED));
  }

  /** Lines the DirectRunner test saw; static because DoFns are serialized. */
  private static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();

  @Test
  void beamsDirectRunnerReadsTheLinesToo() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      DirectOptions direct = PipelineOptionsFactory.as(DirectOptions.class);
      direct.setRunner(DirectRunner.class);
      direct.setBlockOnRun(false);
      Pipeline pipeline = Pipeline.create(direct);
      pipeline
          .apply(SocketIO.read().withHost("localhost").withPort(server.getLocalPort()))
          .apply(ParDo.of(new Remember()));
      PipelineResult result = pipeline.run();
      try (Socket client = server.accept()) {
        client.getOutputStream().write("one\ntwo\n".getBytes(UTF_8));
        client.getOutputStream().flush();
        long deadline = System.currentTimeMillis() + 30_000;
        while (SEEN.size() < 2 && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        assertThat(new ArrayList<>(SEEN), equalTo(List.of("one", "two")));
      } finally {
        result.cancel();
      }
    }
  }

  private static final class Remember extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String line) {
      SEEN.add(line);
    }
  }

  @Test
  void aPortOutOfRangeOrAMissingHostOrPortIsRefusedByName() {
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> SocketIO.read().withPort(70000))
            .getMessage(),
        containsString("port 70000 is out of range 1-65535"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> SocketIO.read().withHost(""))
            .getMessage(),
        containsString("host must not be empty"));
    Pipeline pipeline = Pipeline.create(options);
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> pipeline.apply(SocketIO.read().withPort(9999)))
            .getMessage(),
        containsString("needs withHost(..) and withPort(..)"));
  }

  @Test
  void theReaderGivesEachLineWithItsArrivalTimeAndHoldsTheWatermarkAtTheOldestUnread()
      throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      SocketSource source =
          new SocketSource(
              "localhost",
              server.getLocalPort(),
              Duration.standardSeconds(10).getMillis(),
              1 << 20);
      assertThat(source.split(4, options), equalTo(List.of(source)));
      try (SocketReader reader = source.createReader(options, null)) {
        assertThat(reader.start(), equalTo(false));
        try (Socket client = server.accept()) {
          Instant sent = Instant.now();
          client.getOutputStream().write("to be\nor not\n".getBytes(UTF_8));
          client.getOutputStream().flush();

          List<String> lines = new ArrayList<>();
          List<Instant> times = new ArrayList<>();
          long deadline = System.currentTimeMillis() + 10_000;
          while (lines.size() < 2 && System.currentTimeMillis() < deadline) {
            if (reader.advance()) {
              lines.add(reader.getCurrent());
              times.add(reader.getCurrentTimestamp());
            }
          }
          assertThat(lines, equalTo(List.of("to be", "or not")));
          assertThat(times.get(0), greaterThanOrEqualTo(sent));
          assertThat(reader.getWatermark(), greaterThanOrEqualTo(times.get(1)));
        }
      }
    }
  }

  @Test
  void invalidUtf8AndSplitLinesAreCountedInTheReadersMetrics() throws Exception {
    MetricsContainerImpl metrics = new MetricsContainerImpl("read");
    try (ServerSocket server = new ServerSocket(0);
        Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      SocketSource source = new SocketSource("localhost", server.getLocalPort(), 10_000, 4);
      try (SocketReader reader = source.createReader(options, null)) {
        reader.start();
        try (Socket client = server.accept()) {
          client
              .getOutputStream()
              .write(new byte[] {'a', (byte) 0xFF, '\n', 'l', 'o', 'n', 'g', 'e', 'r', '\n'});
          client.getOutputStream().flush();
          List<String> lines = new ArrayList<>();
          long deadline = System.currentTimeMillis() + 10_000;
          while (lines.size() < 3 && System.currentTimeMillis() < deadline) {
            if (reader.advance()) {
              lines.add(reader.getCurrent());
            }
          }
          assertThat(lines, equalTo(List.of("a\uFFFD", "long", "er")));
        }
      }
    }
    assertThat(
        metrics.getCounter(MetricName.named(SocketIO.class, "invalidUtf8Lines")).getCumulative(),
        equalTo(1L));
    assertThat(
        metrics.getCounter(MetricName.named(SocketIO.class, "splitLines")).getCumulative(),
        equalTo(1L));
  }

  @Test
  void aLineLimitUnderFourBytesIsRefused() {
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> SocketIO.read().withMaxLineBytes(3))
            .getMessage(),
        containsString("the longest line must be at least 4 bytes, not 3"));
  }
}
