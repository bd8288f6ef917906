package dev.microbatch.io.socket;

import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.io.IOException;
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

  @Override
  public boolean advance() throws IOException {
    current = receiver.poll();
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
