package dev.microbatch.engine.stream;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the UTF-8 lines a TCP server has sent so far, without waiting for more. Unread bytes
 * stay in the socket's buffer (and the server's), not in our heap. When the server closes the
 * connection it reconnects; if it cannot connect for {@code retryWindow} it fails, naming the
 * host and port.
 */
final class SocketLineReader implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SocketLineReader.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;
  private static final int POLL_TIMEOUT_MILLIS = 1;

  private final String host;
  private final int port;
  private final Duration retryWindow;
  private final byte[] buffer = new byte[8192];
  private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
  private int bufferStart;
  private int bufferEnd;
  private Socket socket;
  private InputStream in;
  private long disconnectedSince = -1;

  SocketLineReader(String host, int port, Duration retryWindow) {
    this.host = host;
    this.port = port;
    this.retryWindow = retryWindow;
  }

  /** The complete lines received so far, at most {@code maxLines}; empty while disconnected. */
  List<String> read(long maxLines) {
    List<String> lines = new ArrayList<>();
    if (!connected()) {
      return lines;
    }
    try {
      while (lines.size() < maxLines) {
        if (bufferStart == bufferEnd && !fill()) {
          break;
        }
        takeLine(lines);
      }
    } catch (IOException e) {
      LOG.warn("Lost the connection to {}:{} ({}); reconnecting", host, port, e.toString());
      disconnect();
    }
    return lines;
  }

  /** Reads what has arrived into the buffer; false if nothing has (or the server closed). */
  private boolean fill() throws IOException {
    int n;
    try {
      n = in.read(buffer);
    } catch (SocketTimeoutException nothingYet) {
      return false;
    }
    if (n < 0) {
      LOG.info("{}:{} closed the connection; reconnecting", host, port);
      disconnect();
      return false;
    }
    bufferStart = 0;
    bufferEnd = n;
    return true;
  }

  /** Moves buffered bytes up to the next newline into the current line. */
  private void takeLine(List<String> lines) {
    for (int i = bufferStart; i < bufferEnd; i++) {
      if (buffer[i] == '\n') {
        partialLine.write(buffer, bufferStart, i - bufferStart);
        bufferStart = i + 1;
        lines.add(decodeLine());
        return;
      }
    }
    partialLine.write(buffer, bufferStart, bufferEnd - bufferStart);
    bufferStart = bufferEnd;
  }

  private String decodeLine() {
    String line = partialLine.toString(StandardCharsets.UTF_8);
    partialLine.reset();
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  /** Connects now; if nobody listens yet, the next read retries on the next read, within the retry window. */
  void connect() {
    connected();
  }

  private boolean connected() {
    if (socket != null) {
      return true;
    }
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      s.setSoTimeout(POLL_TIMEOUT_MILLIS);
      socket = s;
      in = s.getInputStream();
      disconnectedSince = -1;
      LOG.info("Connected to {}:{}", host, port);
      return true;
    } catch (IOException e) {
      closeQuietly(s);
      long now = System.currentTimeMillis();
      if (disconnectedSince < 0) {
        disconnectedSince = now;
        LOG.warn("Cannot connect to {}:{} ({}); retrying for {} ms", host, port, e.getMessage(), retryWindow.toMillis());
      } else if (now - disconnectedSince > retryWindow.toMillis()) {
        throw new UncheckedIOException(
            "Cannot connect to " + host + ":" + port + " for " + retryWindow.toMillis() + " ms: " + e.getMessage(), e);
      }
      return false;
    }
  }

  private void disconnect() {
    closeQuietly(socket);
    socket = null;
    in = null;
    bufferStart = bufferEnd = 0;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      disconnect();
    }
  }
}
