package dev.microbatch.io.socket;

import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.joda.time.Instant;

/** Takes the lines its receiver thread has received; never waits for more. */
final class SocketReader extends UnboundedSource.UnboundedReader<String> {
  private final SocketSource source;
  private final SocketLineReceiver receiver;
  private final Counter invalidUtf8Lines = Metrics.counter(SocketIO.class, "invalidUtf8Lines");
  private final Counter splitLines = Metrics.counter(SocketIO.class, "splitLines");
  private long invalidUtf8Reported;
  private long splitReported;
  private SocketLineReceiver.Line current;

  SocketReader(SocketSource source, SocketLineReceiver receiver) {
    this.source = source;
    this.receiver = receiver;
  }

  @Override
  public boolean start() throws IOException {
    receiver.start();
    return advance();
  }

  /**
   * The next line, if one came. Once the receiver has given up (its retry window is over, or the
   * host is unknown) this throws an unchecked exception: a runner that retries a reader's {@code
   * IOException}s would otherwise start the window over, and the job would fail minutes after the
   * time the user set and the message states.
   */
  @Override
  public boolean advance() throws IOException {
    try {
      current = receiver.poll();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    reportCounts();
    return current != null;
  }

  /** Hands the receiver thread's counts to Beam's metrics, on the thread that reads. */
  private void reportCounts() {
    long invalid = receiver.invalidUtf8Lines();
    long split = receiver.splitLines();
    invalidUtf8Lines.inc(invalid - invalidUtf8Reported);
    splitLines.inc(split - splitReported);
    invalidUtf8Reported = invalid;
    splitReported = split;
  }

  @Override
  public String getCurrent() {
    return currentLine().text();
  }

  @Override
  public Instant getCurrentTimestamp() {
    return new Instant(currentLine().arrivalMillis());
  }

  private SocketLineReceiver.Line currentLine() {
    if (current == null) {
      throw new NoSuchElementException("No line: advance() returned false");
    }
    return current;
  }

  @Override
  public Instant getWatermark() {
    return new Instant(receiver.watermarkMillis());
  }

  @Override
  public UnboundedSource.CheckpointMark getCheckpointMark() {
    return new SocketIO.NoReplay();
  }

  @Override
  public SocketSource getCurrentSource() {
    return source;
  }

  @Override
  public void close() {
    receiver.close();
  }
}
