package dev.microbatch.io.socket;

import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The lines of one TCP connection. It does not split: a server sends each line once. */
final class SocketSource extends UnboundedSource<String, SocketIO.NoReplay> {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final int port;
  private final long retryWindowMillis;
  private final int maxLineBytes;

  SocketSource(String host, int port, long retryWindowMillis, int maxLineBytes) {
    this.host = host;
    this.port = port;
    this.retryWindowMillis = retryWindowMillis;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public List<SocketSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public SocketReader createReader(
      PipelineOptions options, SocketIO.@Nullable NoReplay checkpointMark) {
    return new SocketReader(this, newReceiver());
  }

  SocketLineReceiver newReceiver() {
    return new SocketLineReceiver(
        host,
        port,
        java.time.Duration.ofMillis(retryWindowMillis),
        SocketLineReceiver.DEFAULT_BUFFER_CHARS,
        maxLineBytes);
  }

  @Override
  public Coder<SocketIO.NoReplay> getCheckpointMarkCoder() {
    return SerializableCoder.of(SocketIO.NoReplay.class);
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  @Override
  public String toString() {
    return "SocketIO " + host + ":" + port;
  }
}
