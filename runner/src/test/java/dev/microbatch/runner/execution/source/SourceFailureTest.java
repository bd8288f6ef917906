package dev.microbatch.runner.execution.source;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A source whose reads fail for a while (a broker restarting) is retried from its last checkpoint
 * mark, losing nothing and reading nothing twice; one that keeps failing fails the pipeline after
 * --readRetryWindowMillis, naming it.
 */
class SourceFailureTest {
  private static final long NUMBERS = 3000;

  /** The offsets whose next read fails once each. */
  private static final Set<Long> FAIL_ONCE_AT = ConcurrentHashMap.newKeySet();

  /** From this offset on every read fails. */
  private static volatile long failAlwaysFrom = Long.MAX_VALUE;

  /** Readers start fine with nothing to read, and their next read fails. */
  private static volatile boolean failAfterEachStart;

  private static final Map<Long, Integer> SEEN = new ConcurrentHashMap<>();

  private static Pipeline readNumbers(String... args) {
    String[] all = new String[args.length + 5];
    System.arraycopy(
        new String[] {
          "--runner=MicroBatchRunner",
          "--streaming",
          "--batchIntervalMillis=20",
          "--parallelism=2",
          "--maxRecordsPerBatch=200"
        },
        0,
        all,
        0,
        5);
    System.arraycopy(args, 0, all, 5, args.length);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.fromArgs(all).create());
    pipeline
        .apply("ReadNumbers", Read.from(new FlakyNumbers()))
        .apply(
            ParDo.of(
                new DoFn<Long, Void>() {
                  @ProcessElement
                  public void process(@Element Long n) {
                    SEEN.merge(n, 1, Integer::sum);
                  }
                }));
    return pipeline;
  }

  @Test
  void readsThatFailForAWhileAreRetriedFromTheLastMarkLosingNothingAndReadingNothingTwice() {
    SEEN.clear();
    failAlwaysFrom = Long.MAX_VALUE;
    FAIL_ONCE_AT.addAll(List.of(150L, 151L, 700L, 2999L));
    readNumbers().run().waitUntilFinish();
    assertThat("every read that was to fail failed", FAIL_ONCE_AT.isEmpty(), equalTo(true));
    assertThat(SEEN.size(), equalTo((int) NUMBERS));
    assertThat("each number once", SEEN.values().stream().allMatch(c -> c == 1), equalTo(true));
  }

  @Test
  void aSourceThatKeepsFailingFailsThePipelineAfterTheRetryWindowNamingIt() {
    FAIL_ONCE_AT.clear();
    failAlwaysFrom = 100;
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> readNumbers("--readRetryWindowMillis=300").run().waitUntilFinish());
    String message = e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
    assertThat(message, containsString("Could not read FlakyNumbers (ReadNumbers"));
    assertThat(message, containsString("(--readRetryWindowMillis=300): broker restarting"));
  }

  @Test
  void aSourceThatReopensFineButFailsAgainBeforeReadingAnythingFailsThePipelineAfterTheWindow()
      throws IOException {
    FAIL_ONCE_AT.clear();
    failAlwaysFrom = Long.MAX_VALUE;
    failAfterEachStart = true;
    PipelineResult job = readNumbers("--readRetryWindowMillis=300", "--blockOnRun=false").run();
    try {
      RuntimeException e =
          assertThrows(
              RuntimeException.class, () -> job.waitUntilFinish(Duration.standardSeconds(30)));
      String message =
          e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
      assertThat(message, containsString("Could not read FlakyNumbers (ReadNumbers"));
    } finally {
      failAfterEachStart = false;
      job.cancel();
    }
  }

  /** The numbers 0 to 2999, timestamped with themselves; its watermark ends once all are read. */
  private static final class FlakyNumbers extends UnboundedSource<Long, FlakyNumbers.Offset> {
    record Offset(long next) implements CheckpointMark, Serializable {
      @Override
      public void finalizeCheckpoint() {}
    }

    @Override
    public List<FlakyNumbers> split(int desiredNumSplits, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, Offset mark) {
      return new Reader(this, mark == null ? 0 : mark.next());
    }

    @Override
    public Coder<Offset> getCheckpointMarkCoder() {
      return SerializableCoder.of(Offset.class);
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }

    @Override
    public String toString() {
      return "FlakyNumbers";
    }

    private static final class Reader extends UnboundedReader<Long> {
      private final FlakyNumbers source;
      private long current;

      Reader(FlakyNumbers source, long first) {
        this.source = source;
        this.current = first - 1;
      }

      @Override
      public boolean start() throws IOException {
        return !failAfterEachStart && advance();
      }

      @Override
      public boolean advance() throws IOException {
        if (failAfterEachStart
            || current + 1 >= failAlwaysFrom
            || FAIL_ONCE_AT.remove(current + 1)) {
          throw new IOException("broker restarting");
        }
        if (current + 1 >= NUMBERS) {
          return false;
        }
        current++;
        return true;
      }

      @Override
      public Long getCurrent() {
        if (current < 0) {
          throw new NoSuchElementException();
        }
        return current;
      }

      @Override
      public Instant getCurrentTimestamp() {
        return new Instant(getCurrent());
      }

      @Override
      public Instant getWatermark() {
        return current + 1 >= NUMBERS ? BoundedWindow.TIMESTAMP_MAX_VALUE : new Instant(current);
      }

      @Override
      public Offset getCheckpointMark() {
        return new Offset(current + 1);
      }

      @Override
      public FlakyNumbers getCurrentSource() {
        return source;
      }

      @Override
      public void close() {}
    }
  }
}
