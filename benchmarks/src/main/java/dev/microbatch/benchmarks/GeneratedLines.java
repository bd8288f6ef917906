package dev.microbatch.benchmarks;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The B3 input: Zipf text lines (ten words each) at a fixed rate, as an unbounded source any runner
 * reads. Line {@code i} is due {@code i / rate} seconds after the origin (the first whole second
 * after the first reader in this JVM starts) and carries that instant as its event time; split
 * {@code s} of {@code n} reads the lines {@code i = s mod n}. A reader hands out a line only once
 * it is due, so a runner that keeps up sees the rate, and one that falls behind finds a backlog.
 * After {@code seconds} of lines the watermark ends, and the pipeline with it. What is read is the
 * same on every run and however the runner splits: only when it is read differs.
 */
final class GeneratedLines extends UnboundedSource<String, GeneratedLines.Position> {
  private static final int POOL = 1 << 14;
  private static final long SEED = 42;

  /** The origin of this JVM's event times: epoch milliseconds, a whole second; 0 until set. */
  private static volatile long origin;

  private final long linesPerSecond;
  private final long seconds;
  private final int split;
  private final int splits;

  GeneratedLines(long linesPerSecond, long seconds) {
    this(linesPerSecond, seconds, 0, 1);
  }

  private GeneratedLines(long linesPerSecond, long seconds, int split, int splits) {
    this.linesPerSecond = linesPerSecond;
    this.seconds = seconds;
    this.split = split;
    this.splits = splits;
  }

  /** The origin of event times, once a reader has started. */
  static long origin() {
    return origin;
  }

  /** The next run in this JVM starts its own clock (a test runs several). */
  static synchronized void resetClock() {
    origin = 0;
  }

  private static synchronized long startClock() {
    if (origin == 0) {
      origin = (System.currentTimeMillis() / 1000 + 1) * 1000;
    }
    return origin;
  }

  /** The distinct lines, in order: line {@code i} is {@code pool().get(i % pool().size())}. */
  static List<String> pool() {
    ZipfText text = new ZipfText(SEED);
    List<String> lines = new ArrayList<>(POOL);
    for (int i = 0; i < POOL; i++) {
      lines.add(text.nextLine());
    }
    return lines;
  }

  /** How many lines there are, over all splits. */
  long lines() {
    return linesPerSecond * seconds;
  }

  /** Milliseconds after the origin that line {@code i} is due. */
  long dueMillis(long i) {
    return i * 1000 / linesPerSecond;
  }

  @Override
  public List<GeneratedLines> split(int desiredNumSplits, PipelineOptions options) {
    int n = Math.max(1, desiredNumSplits);
    List<GeneratedLines> parts = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      parts.add(new GeneratedLines(linesPerSecond, seconds, s, n));
    }
    return parts;
  }

  @Override
  public UnboundedReader<String> createReader(PipelineOptions options, Position position) {
    return new Reader(this, position == null ? 0 : position.next());
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  /** The next line a split reads (one of all the lines). */
  record Position(long next) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class Reader extends UnboundedReader<String> {
    private final GeneratedLines source;
    private final List<String> pool;
    private long next;
    private long origin;

    Reader(GeneratedLines source, long next) {
      this.source = source;
      this.pool = pool();
      this.next = next == 0 ? source.split : next;
    }

    @Override
    public boolean start() {
      origin = startClock();
      return advance();
    }

    @Override
    public boolean advance() {
      if (next >= source.lines() || System.currentTimeMillis() < origin + source.dueMillis(next)) {
        return false;
      }
      next += source.splits;
      return true;
    }

    private long current() {
      if (next < source.splits) {
        throw new NoSuchElementException();
      }
      return next - source.splits;
    }

    @Override
    public String getCurrent() {
      return pool.get((int) (current() % POOL));
    }

    @Override
    public Instant getCurrentTimestamp() {
      return new Instant(origin + source.dueMillis(current()));
    }

    @Override
    public Instant getWatermark() {
      return next >= source.lines()
          ? BoundedWindow.TIMESTAMP_MAX_VALUE
          : new Instant(origin + source.dueMillis(next));
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(next);
    }

    @Override
    public GeneratedLines getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }
}
