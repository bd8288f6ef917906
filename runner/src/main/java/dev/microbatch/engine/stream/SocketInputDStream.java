package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.Dataset;
import java.time.Duration;
import java.util.List;

/** Spark's socketTextStream, without a receiver: each batch takes the lines received so far. */
final class SocketInputDStream extends InputDStream<String> {
  private final SocketLineReader reader;

  SocketInputDStream(StreamingContext context, String host, int port, Duration retryWindow) {
    super(context, "socket " + host + ":" + port);
    this.reader = new SocketLineReader(host, port, retryWindow);
  }

  @Override
  protected Dataset<String> compute(long batchTime) {
    List<String> lines = reader.read(maxRecordsPerBatch());
    recordCounter(batchTime).add(lines.size());
    return context().engine().parallelize(lines, context().parallelism());
  }

  @Override
  protected void start() {
    reader.connect();
  }

  @Override
  protected void stop() {
    reader.close();
  }
}
