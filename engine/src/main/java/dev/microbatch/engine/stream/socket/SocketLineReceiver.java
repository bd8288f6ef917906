package dev.microbatch.engine.stream.socket;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark Streaming's socket receiver: a thread of its own reads UTF-8 lines from a TCP server as
 * they arrive and stamps each with its arrival time, so a line's time does not depend on when a
 * reader gets to it. Readers take lines with {@link #poll()}.
 *
 * <p>Memory stays bounded: once {@code bufferChars} characters wait unread, the thread stops
 * reading, and the rest waits in the socket's buffers and then the sender's; a line longer than
 * {@code maxLineBytes} comes in pieces of that size (see {@link LineReader}), counted. When the
 * server closes the connection the receiver reconnects; when it cannot connect for {@code
 * retryWindow} it fails, naming the host and port, and {@link #poll()} throws once the lines
 * received before are taken. A socket cannot replay: lines not yet taken when the receiver closes
 * are lost.
 *
 * <p>Imports nothing from Beam: SocketIO and the engine's socketTextStream both use it.
 */
public final class SocketLineReceiver implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SocketLineReceiver.class);

  /** Threads are named with this prefix, so tests can see that none outlives its reader. */
  public static final String THREAD_PREFIX = "microbatch-socket-";

  /** The longest line unless told otherwise: 1 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  /** How many characters of unread lines wait at most unless told otherwise: about 2 MB. */
  public static final long DEFAULT_BUFFER_CHARS = 1 << 20;

  private static final int CONNECT_TIMEOUT_MILLIS = 1000;
  private static final long RECONNECT_PAUSE_MILLIS = 100;

  /** A line and the time it arrived, in epoch milliseconds. */
  public record Line(String text, long arrivalMillis) {}

  private final String host;
  private final int port;
  private final Duration retryWindow;
  private final long bufferChars;
  private final int maxLineBytes;
  private final AtomicLong invalidUtf8Lines = new AtomicLong();
  private final AtomicLong splitLines = new AtomicLong();
  private final Thread thread;
  private final Deque<Line> lines = new ArrayDeque<>();
  private long bufferedChars;
  private long lastStamp;
  private IOException failure;
  private volatile boolean closed;
  private volatile Socket socket;

  /**
   * @param retryWindow how long to try to connect before failing
   * @param bufferChars how many characters of unread lines to hold at most
   * @param maxLineBytes the longest line; a longer one comes in pieces of this many bytes
   */
  public SocketLineReceiver(
      String host, int port, Duration retryWindow, long bufferChars, int maxLineBytes) {
    checkPort(host, port);
    if (maxLineBytes < 4) {
      throw new IllegalArgumentException(
          "The longest line must be at least 4 bytes, not " + maxLineBytes);
    }
    this.host = host;
    this.port = port;
    this.retryWindow = retryWindow;
    this.bufferChars = bufferChars;
    this.maxLineBytes = maxLineBytes;
    this.thread = new Thread(this::receive, THREAD_PREFIX + host + ":" + port);
    this.thread.setDaemon(true);
  }

  /** Refuses a port outside 1-65535, naming it and its host. */
  public static void checkPort(String host, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "Port " + port + " of " + host + " is out of range 1-65535");
    }
  }

  /** Starts connecting and receiving. */
  public void start() {
    thread.start();
  }

  /**
   * The next line received, or null if none is waiting. Throws once the receiver has failed and
   * every line it received before has been taken.
   */
  public synchronized Line poll() throws IOException {
    Line line = lines.poll();
    if (line == null) {
      if (failure != null) {
        throw failure;
      }
      return null;
    }
    bufferedChars -= line.text().length();
    notifyAll();
    return line;
  }

  /**
   * A time no line taken later is stamped before: the oldest waiting line's, or now if none waits
   * (a line arriving later is stamped later).
   */
  public synchronized long watermarkMillis() {
    Line oldest = lines.peek();
    return oldest != null ? oldest.arrivalMillis() : stamp();
  }

  /** Now, but never before a time already handed out, so stamps and watermarks only grow. */
  private long stamp() {
    lastStamp = Math.max(lastStamp, System.currentTimeMillis());
    return lastStamp;
  }

  private void receive() {
    try {
      while (!closed) {
        Socket connected = connect();
        try (InputStream stream = new BufferedInputStream(connected.getInputStream())) {
          LineReader in = new LineReader(stream, maxLineBytes);
          String line;
          while ((line = in.readLine()) != null) {
            count(in);
            add(line);
          }
          if (!closed) {
            LOG.info("{}:{} closed the connection; reconnecting", host, port);
          }
        } catch (IOException e) {
          if (!closed) {
            LOG.warn("Lost the connection to {}:{} ({}); reconnecting", host, port, e.toString());
          }
        }
      }
    } catch (IOException e) {
      fail(e);
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException | Error e) {
      // whatever ends the thread fails the reader: lines must never just stop coming
      fail(new IOException("The receiver of " + host + ":" + port + " failed: " + e, e));
    }
  }

  /** Counts (and reports the first of) the lines that were pieces or had invalid UTF-8. */
  private void count(LineReader in) {
    if (in.wasPiece() && splitLines.getAndIncrement() == 0) {
      LOG.warn(
          "A line from {}:{} is longer than {} bytes: it comes in pieces of at most that many"
              + " (this and further ones are counted)",
          host,
          port,
          maxLineBytes);
    }
    if (in.hadInvalidUtf8() && invalidUtf8Lines.getAndIncrement() == 0) {
      LOG.warn(
          "A line from {}:{} is not valid UTF-8: its invalid bytes are replaced by U+FFFD"
              + " (this and further ones are counted)",
          host,
          port);
    }
  }

  /** How many lines had invalid UTF-8 (replaced by U+FFFD) so far. */
  public long invalidUtf8Lines() {
    return invalidUtf8Lines.get();
  }

  /** How many pieces of lines longer than the limit came so far. */
  public long splitLines() {
    return splitLines.get();
  }

  /** Connects, retrying for the retry window; throws naming host and port when it runs out. */
  private Socket connect() throws IOException, InterruptedException {
    long since = System.currentTimeMillis();
    boolean warned = false;
    while (true) {
      Socket s = new Socket();
      socket = s;
      if (closed) { // close() may have missed this socket
        s.close();
        throw new InterruptedException("closed");
      }
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (address.isUnresolved()) {
        s.close();
        // no retry: a name that does not resolve is a mistake to show now, not in 30 s
        throw new UnknownHostException("Unknown host " + host + " (port " + port + ")");
      }
      try {
        s.connect(address, CONNECT_TIMEOUT_MILLIS);
        LOG.info("Connected to {}:{}", host, port);
        return s;
      } catch (IOException e) {
        s.close();
        if (closed) {
          throw new InterruptedException("closed");
        }
        long waited = System.currentTimeMillis() - since;
        if (waited > retryWindow.toMillis()) {
          throw new IOException(
              "Cannot connect to "
                  + host
                  + ":"
                  + port
                  + " for "
                  + retryWindow.toMillis()
                  + " ms: "
                  + e.getMessage(),
              e);
        }
        if (!warned) {
          warned = true;
          LOG.warn(
              "Cannot connect to {}:{} ({}); retrying for {} ms",
              host,
              port,
              e.getMessage(),
              retryWindow.toMillis());
        }
        Thread.sleep(RECONNECT_PAUSE_MILLIS);
      }
    }
  }

  /** Queues a line, first waiting while the buffer is full (the socket then holds the rest). */
  private synchronized void add(String text) throws InterruptedException {
    while (bufferedChars >= bufferChars && !closed) {
      wait();
    }
    lines.add(new Line(text, stamp()));
    bufferedChars += text.length();
  }

  private synchronized void fail(IOException e) {
    failure = e;
  }

  /** Stops the thread and drops the connection; lines not yet taken are lost. */
  @Override
  public void close() {
    closed = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close(); // unblocks a read in progress
      } catch (IOException ignored) {
        // closing is best effort
      }
    }
    thread.interrupt();
    synchronized (this) {
      notifyAll();
    }
    if (thread != Thread.currentThread() && thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
