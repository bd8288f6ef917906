package dev.microbatch.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.EngineThreads;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import dev.microbatch.runner.MicroBatchPipelineResult;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class SocketWordCountTest {
  private static final long BATCH_MILLIS = 200;
  private static final long WINDOW_MILLIS = 2000;

  /** What one window of the script sends: three lines. */
  private static final List<List<String>> SCRIPT =
      List.of(
          List.of("to be or not to be", "that is", "the question"),
          List.of("whether tis nobler", "in the mind", "to suffer"),
          List.of("the slings and arrows", "of outrageous", "fortune"));

  /** One count of one pane, as the pipeline's last step saw it. */
  private record Count(long windowEnd, String word, long count) implements Serializable {}

  private static final Queue<Count> SEEN = new ConcurrentLinkedQueue<>();

  /** Remembers each count of each pane. */
  private static final class Remember extends DoFn<KV<String, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<String, Long> count, IntervalWindow window) {
      SEEN.add(new Count(window.end().getMillis(), count.getKey(), count.getValue()));
    }
  }

  @Test
  void eachWindowsCountsAreExactlyWhatWasSentInItAndComeAtTheFirstBatchPastItsEnd()
      throws Exception {
    SEEN.clear();
    try (ServerSocket server = new ServerSocket(0)) {
      SocketWordCount.Options options =
          PipelineOptionsFactory.fromArgs(
                  "--runner=MicroBatchRunner",
                  "--streaming",
                  "--batchIntervalMillis=" + BATCH_MILLIS,
                  "--parallelism=2",
                  "--blockOnRun=false",
                  "--port=" + server.getLocalPort(),
                  "--windowSeconds=" + WINDOW_MILLIS / 1000)
              .as(SocketWordCount.Options.class);
      Pipeline pipeline = Pipeline.create(options);
      SocketWordCount.countsPerWindow(pipeline, options).apply(ParDo.of(new Remember()));
      MicroBatchPipelineResult result = (MicroBatchPipelineResult) pipeline.run();
      // the batch each count came out in: batches run one at a time, so it is the one completing
      Map<Count, Long> batchOf = new ConcurrentHashMap<>();
      result.addStreamingListener(
          new StreamingListener() {
            @Override
            public void onBatchCompleted(MicroBatchInfo batch) {
              for (Count c; (c = SEEN.poll()) != null; ) {
                batchOf.put(c, batch.batchTime());
              }
            }
          });

      Map<Long, Map<String, Long>> sent = new TreeMap<>();
      try (Socket client = server.accept()) {
        OutputStream out = client.getOutputStream();
        for (List<String> window : SCRIPT) {
          long end = sendInsideOneWindow(out, window);
          for (String line : window) {
            for (String word : line.split(" ")) {
              sent.computeIfAbsent(end, e -> new TreeMap<>()).merge(word, 1L, Long::sum);
            }
          }
        }
        awaitPanesOf(batchOf, sent.keySet());
      } finally {
        result.cancel();
      }

      Map<Long, Map<String, Long>> counted = new TreeMap<>();
      for (Count c : batchOf.keySet()) {
        Long before =
            counted.computeIfAbsent(c.windowEnd(), e -> new TreeMap<>()).put(c.word(), c.count());
        assertThat("one pane per window and word: " + c, before, equalTo(null));
        assertThat(
            "the pane of " + c + " fires at the first batch past its window",
            batchOf.get(c),
            equalTo(c.windowEnd()));
      }
      assertThat(counted, equalTo(sent));
      assertThat(EngineThreads.alive(), empty());
    }
  }

  /**
   * Sends the lines in one write in the middle of a window, so that the arrival time the reader
   * stamps on them falls in that window unless the machine stalls the reader for a second (the
   * margin to either end); returns that window's end.
   */
  private static long sendInsideOneWindow(OutputStream out, List<String> lines) throws Exception {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    while (true) {
      long now = System.currentTimeMillis();
      long middle = now - now % WINDOW_MILLIS + WINDOW_MILLIS / 2;
      if (middle < now) {
        middle += WINDOW_MILLIS;
      }
      Thread.sleep(middle - now);
      if (System.currentTimeMillis() - middle > WINDOW_MILLIS / 8) {
        continue; // the sleep overran: the next window's middle
      }
      out.write(text.toString().getBytes(UTF_8));
      out.flush();
      return middle + WINDOW_MILLIS / 2;
    }
  }

  private static void awaitPanesOf(Map<Count, Long> batchOf, Set<Long> windowEnds)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      List<Long> done = new ArrayList<>();
      batchOf.keySet().forEach(c -> done.add(c.windowEnd()));
      if (done.containsAll(windowEnds)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not every window's pane came within 60 s: " + batchOf);
  }

  @Test
  void aCountLineNamesItsWindow() {
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(10_000));
    String line = SocketWordCount.format(window, KV.of("be", 2L));
    assertThat(line.substring(line.indexOf(')') + 2), equalTo("be: 2"));
    assertThat(
        line.matches("\\[\\d\\d:\\d\\d:\\d\\d, \\d\\d:\\d\\d:\\d\\d\\) be: 2"), equalTo(true));
  }

  @Test
  void aWindowShorterThanASecondIsRefusedNamingTheOption() {
    SocketWordCount.Options options =
        PipelineOptionsFactory.fromArgs("--runner=MicroBatchRunner", "--windowSeconds=0")
            .as(SocketWordCount.Options.class);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SocketWordCount.countsPerWindow(Pipeline.create(options), options));
    assertThat(e.getMessage(), equalTo("--windowSeconds must be at least 1, but was 0"));
  }
}
