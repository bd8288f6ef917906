package dev.microbatch.io.socket;

import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.io.Serializable;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Lines from a TCP socket as an unbounded {@code PCollection<String>}: Beam's counterpart of Spark
 * Streaming's {@code socketTextStream}, for any runner.
 *
 * <pre>{@code
 * PCollection<String> lines = pipeline.apply(SocketIO.read().withHost("localhost").withPort(9999));
 * }</pre>
 *
 * <p>One element per UTF-8 line (without its line terminator; invalid bytes become U+FFFD and the
 * line is counted in the metric {@code SocketIO/invalidUtf8Lines}), timestamped with the time it
 * arrived; the watermark is the oldest line not yet read, or now. The reader keeps one connection;
 * when the server closes it, it reconnects, and when nobody listens it retries for the retry window
 * (30 s unless set) and then fails, naming host and port. Memory stays bounded when the job falls
 * behind: at most about a million characters wait in the reader, the rest in the socket's buffers
 * and then the sender's.
 *
 * <p>Delivery: at most once. A socket cannot replay, so lines in flight when the reader closes (a
 * failure, a restart, a runner discarding the reader) are lost.
 */
public final class SocketIO {
  private SocketIO() {}

  public static Read read() {
    return new Read(
        null, -1, Duration.standardSeconds(30), SocketLineReceiver.DEFAULT_MAX_LINE_BYTES);
  }

  /** Reads lines from {@code host:port}. */
  public static final class Read extends PTransform<PBegin, PCollection<String>> {
    private final String host;
    private final int port;
    private final Duration retryWindow;
    private final int maxLineBytes;

    private Read(String host, int port, Duration retryWindow, int maxLineBytes) {
      this.host = host;
      this.port = port;
      this.retryWindow = retryWindow;
      this.maxLineBytes = maxLineBytes;
    }

    public Read withHost(String host) {
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("SocketIO.read(): the host must not be empty");
      }
      return new Read(host, port, retryWindow, maxLineBytes);
    }

    public Read withPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "SocketIO.read(): port " + port + " is out of range 1-65535");
      }
      return new Read(host, port, retryWindow, maxLineBytes);
    }

    /** How long to keep trying to connect (at start and after the server closed) before failing. */
    public Read withRetryWindow(Duration retryWindow) {
      if (retryWindow == null || retryWindow.getMillis() < 0) {
        throw new IllegalArgumentException(
            "SocketIO.read(): the retry window must not be negative, was " + retryWindow);
      }
      return new Read(host, port, retryWindow, maxLineBytes);
    }

    /**
     * The longest line, in bytes (1 MiB unless set; at least 4): a longer one comes as several
     * elements of at most this many bytes, cut between characters, and is counted in the metric
     * {@code SocketIO/splitLines}.
     */
    public Read withMaxLineBytes(int maxLineBytes) {
      if (maxLineBytes < 4) {
        throw new IllegalArgumentException(
            "SocketIO.read(): the longest line must be at least 4 bytes, not " + maxLineBytes);
      }
      return new Read(host, port, retryWindow, maxLineBytes);
    }

    @Override
    public PCollection<String> expand(PBegin input) {
      if (host == null || port < 0) {
        throw new IllegalArgumentException(
            "SocketIO.read() needs withHost(..) and withPort(..), but has host "
                + host
                + " and port "
                + port);
      }
      return input.apply(
          org.apache.beam.sdk.io.Read.from(
              new SocketSource(host, port, retryWindow.getMillis(), maxLineBytes)));
    }
  }

  /** A socket cannot replay, so its checkpoint records nothing and finalizing it does nothing. */
  static final class NoReplay implements CheckpointMark, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void finalizeCheckpoint() {}

    @Override
    public boolean equals(Object other) {
      return other instanceof NoReplay;
    }

    @Override
    public int hashCode() {
      return NoReplay.class.hashCode();
    }
  }
}
