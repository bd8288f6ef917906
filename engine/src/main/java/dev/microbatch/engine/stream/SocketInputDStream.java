package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Spark's socketTextStream: a receiver thread takes lines as they arrive, and each batch takes the
 * lines received so far (at most its record cap; the rest wait for the next batch).
 */
final class SocketInputDStream extends InputDStream<String> {
  private final SocketLineReceiver receiver;

  SocketInputDStream(StreamingContext context, String host, int port, Duration retryWindow) {
    super(context, "socket " + host + ":" + port);
    this.receiver =
        new SocketLineReceiver(
            host,
            port,
            retryWindow,
            SocketLineReceiver.DEFAULT_BUFFER_CHARS,
            SocketLineReceiver.DEFAULT_MAX_LINE_BYTES);
  }

  @Override
  protected Dataset<String> compute(long batchTime) {
    List<String> lines = new ArrayList<>();
    try {
      SocketLineReceiver.Line line;
      while (lines.size() < recordLimit() && (line = receiver.poll()) != null) {
        lines.add(line.text());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    recordCounter(batchTime).add(lines.size());
    return context().engine().parallelize(lines, context().parallelism());
  }

  @Override
  protected void start() {
    receiver.start();
  }

  @Override
  protected void stop() {
    receiver.close();
  }
}
