package dev.microbatch.engine.stream;

import dev.microbatch.engine.dataset.EngineContext;
import dev.microbatch.engine.scheduler.JobCancelledException;
import dev.microbatch.engine.stream.rate.RateController;
import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the stream layer (Spark's StreamingContext). Once started, a clock thread
 * queues a batch time every batch interval and a batch thread runs the batches one at a time, in
 * order: it generates every output's dataset for the batch (inputs read then), runs the output
 * operations, and reports the batch to the listeners.
 */
public final class StreamingContext {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingContext.class);
  static final String THREAD_PREFIX = "microbatch-stream-";

  private enum State {
    INITIALIZED,
    ACTIVE,
    STOPPED
  }

  private final long batchIntervalMillis;
  private final EngineContext engine;
  private final MicroBatchClock clock;
  private final List<InputDStream<?>> inputs = new ArrayList<>();
  private final List<RecordSource> recordSources = new CopyOnWriteArrayList<>();
  private final List<ForEachDStream<?>> outputs = new ArrayList<>();
  private final List<StreamingListener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private State state = State.INITIALIZED;
  private long zeroTime;
  private MicroBatchQueue batches;
  private Thread clockThread;
  private Thread batchThread;
  private volatile Throwable failure;
  private RateController rateController;

  /** Batches that run their jobs on {@code engine}. */
  public StreamingContext(Duration batchInterval, EngineContext engine, MicroBatchClock clock) {
    if (batchInterval.isNegative() || batchInterval.isZero()) {
      throw new IllegalArgumentException(
          "The batch interval must be positive, was " + batchInterval);
    }
    this.batchIntervalMillis = batchInterval.toMillis();
    this.engine = engine;
    this.clock = clock;
    listeners.add(new FallingBehindWarning(batchIntervalMillis));
  }

  public StreamingContext(Duration batchInterval, int parallelism, MicroBatchClock clock) {
    this(batchInterval, new EngineContext(parallelism), clock);
  }

  public StreamingContext(Duration batchInterval, int parallelism) {
    this(batchInterval, parallelism, MicroBatchClock.system());
  }

  public long batchIntervalMillis() {
    return batchIntervalMillis;
  }

  public int parallelism() {
    return engine.parallelism();
  }

  public EngineContext engine() {
    return engine;
  }

  public MicroBatchClock clock() {
    return clock;
  }

  /** The time the context started at; the first batch's time is one interval after it. */
  public synchronized long zeroTime() {
    return zeroTime;
  }

  // ---- inputs ----

  /** Each batch takes the next collection from {@code queue} (or all of them). */
  public <T> InputDStream<T> queueStream(Queue<? extends Collection<T>> queue, boolean oneAtATime) {
    return new QueueInputDStream<>(this, queue, oneAtATime);
  }

  /** UTF-8 lines from a TCP server; gives up after 30 s without a connection. */
  public InputDStream<String> socketTextStream(String host, int port) {
    return socketTextStream(host, port, Duration.ofSeconds(30));
  }

  /** UTF-8 lines from a TCP server; gives up after {@code retryWindow} without a connection. */
  public InputDStream<String> socketTextStream(String host, int port, Duration retryWindow) {
    SocketLineReceiver.checkPort(host, port);
    return new SocketInputDStream(this, host, port, retryWindow);
  }

  /** Records pulled by tasks from a partitioned source at each batch. */
  public <T> InputDStream<T> pullStream(String name, PullSource<T> source) {
    return new PullInputDStream<>(this, name, source);
  }

  public void addListener(StreamingListener listener) {
    listeners.add(listener);
  }

  /**
   * Counts {@code source}'s records into every batch's statistics, and gives it its budget share.
   */
  public void addRecordSource(RecordSource source) {
    checkNotStarted("add a record source");
    recordSources.add(source);
  }

  /** Backpressure: each batch's sources read at most their share of {@code controller}'s budget. */
  public synchronized void enableBackpressure(RateController controller) {
    checkNotStarted("enable backpressure");
    rateController = controller;
    addListener(controller);
  }

  /** The most records {@code source} may read in the batch being generated. */
  public long recordLimit(RecordSource source) {
    return rateController == null ? Long.MAX_VALUE : rateController.shareOf(source);
  }

  /** The most records one reader of a source may read in a batch. */
  public long maxRecordsPerReader() {
    return rateController == null ? Long.MAX_VALUE : rateController.maxRecordsPerReader();
  }

  synchronized void addInput(InputDStream<?> input) {
    inputs.add(input);
    recordSources.add(input);
  }

  /** Whether an output operation was registered: without one, {@link #start()} refuses to start. */
  public synchronized boolean hasOutputOperations() {
    return !outputs.isEmpty();
  }

  synchronized void addOutput(ForEachDStream<?> output) {
    checkNotStarted("add an output operation");
    outputs.add(output);
  }

  synchronized void checkNotStarted(String what) {
    if (state != State.INITIALIZED) {
      throw new IllegalStateException(
          "Cannot " + what + " to a StreamingContext that was already started");
    }
  }

  // ---- life cycle ----

  public synchronized void start() {
    if (state == State.STOPPED) {
      throw new IllegalStateException(
          "This StreamingContext was stopped and cannot be restarted; create a new one");
    }
    if (state == State.ACTIVE) {
      throw new IllegalStateException("This StreamingContext was already started");
    }
    if (outputs.isEmpty()) {
      throw new IllegalStateException("No output operations registered, so nothing to execute");
    }
    long now = clock.currentTimeMillis();
    zeroTime = now - Math.floorMod(now, batchIntervalMillis);
    inputs.forEach(InputDStream::start);
    batches = new MicroBatchQueue();
    state = State.ACTIVE;
    clockThread = new Thread(this::tick, THREAD_PREFIX + "clock");
    batchThread = new Thread(this::runBatches, THREAD_PREFIX + "batches");
    clockThread.setDaemon(true);
    batchThread.setDaemon(true);
    clockThread.start();
    batchThread.start();
    LOG.info(
        "Streaming started: batch interval {} ms, first batch at {}",
        batchIntervalMillis,
        zeroTime + batchIntervalMillis);
  }

  /**
   * Stops generating batches. Gracefully, the batches already queued run first; otherwise the
   * running batch is cancelled and the queued ones dropped. Returns when every thread of the
   * context has ended (unless called from a listener, on the batch thread itself).
   */
  public void stop(boolean gracefully) {
    Thread clockToJoin;
    Thread batchesToJoin;
    synchronized (this) {
      if (state == State.INITIALIZED) {
        state = State.STOPPED;
        inputs.forEach(InputDStream::stop);
        terminated.countDown();
        return;
      }
      clockToJoin = clockThread;
      batchesToJoin = batchThread;
      if (state == State.ACTIVE) {
        clockToJoin.interrupt();
        batches.close(gracefully);
        if (!gracefully) {
          engine.cancel();
        }
      }
    }
    joinUnlessCurrent(clockToJoin, batchesToJoin);
  }

  /** Waits until the context stops; rethrows the failure that stopped it, if one did. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
    joinUnlessCurrent(clockThread, batchThread);
    rethrowFailure();
  }

  /** Like {@link #awaitTermination()} for at most {@code timeout}; true if it terminated. */
  public boolean awaitTerminationOrTimeout(Duration timeout) throws InterruptedException {
    boolean done = terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (done) {
      joinUnlessCurrent(clockThread, batchThread);
      rethrowFailure();
    }
    return done;
  }

  private void rethrowFailure() {
    Throwable f = failure;
    if (f instanceof RuntimeException e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
    if (f != null) {
      throw new IllegalStateException("The streaming job failed", f);
    }
  }

  // ---- the two threads ----

  private void tick() {
    try {
      for (long time = zeroTime + batchIntervalMillis; ; time += batchIntervalMillis) {
        clock.waitUntil(time);
        long submitted = time;
        // listeners hear of the batch before it can start: else one that started first would
        // stay "waiting" in their statistics for ever
        if (!batches.offer(time, () -> listeners.forEach(l -> l.onBatchSubmitted(submitted)))) {
          return;
        }
      }
    } catch (InterruptedException stopped) {
      // stop() ends the clock
    }
  }

  private void runBatches() {
    try {
      Long time;
      while ((time = batches.take()) != null) {
        runBatch(time);
      }
    } catch (JobCancelledException | InterruptedException stopped) {
      // a stop that does not wait cancels the running batch
    } catch (Throwable e) {
      failure = e;
      // one line: awaitTermination hands the exception, stack trace and all, to the caller
      LOG.error("Streaming job failed; stopping: {}", e.toString());
    } finally {
      clockThread.interrupt();
      batches.close(false);
      terminate();
    }
  }

  private void runBatch(long batchTime) {
    long start = clock.currentTimeMillis();
    long budget = Long.MAX_VALUE;
    Map<String, Long> sourceBudgets = Map.of();
    if (rateController != null) {
      rateController.planBatch(recordSources);
      budget = rateController.budget();
      sourceBudgets = rateController.shares();
    }
    listeners.forEach(l -> l.onBatchStarted(batchTime));
    List<Runnable> jobs = new ArrayList<>();
    for (ForEachDStream<?> output : outputs) {
      Runnable job = output.generateJob(batchTime);
      if (job != null) {
        jobs.add(job);
      }
    }
    jobs.forEach(Runnable::run);
    outputs.forEach(output -> output.forgetBefore(batchTime));
    Map<String, Long> records = new LinkedHashMap<>();
    long watermark = Long.MAX_VALUE;
    long waited = 0;
    for (RecordSource source : recordSources) {
      records.merge(source.name(), source.takeRecordCount(batchTime), Long::sum);
      waited = Math.max(waited, source.takeWaitMillis(batchTime));
    }
    for (InputDStream<?> input : inputs) {
      input.batchCompleted(batchTime);
      watermark = Math.min(watermark, input.watermark(batchTime));
    }
    MicroBatchInfo info =
        new MicroBatchInfo(
            batchTime,
            Map.copyOf(records),
            start,
            clock.currentTimeMillis(),
            watermark,
            budget,
            sourceBudgets,
            waited);
    LOG.debug(
        "Batch {}: {} records{}, scheduling delay {} ms, processing {} ms, total delay {} ms",
        batchTime,
        info.numRecords(),
        budget == Long.MAX_VALUE ? "" : " (budget " + budget + ")",
        info.schedulingDelay(),
        info.processingTime(),
        info.totalDelay());
    listeners.forEach(l -> l.onBatchCompleted(info));
  }

  private void terminate() {
    synchronized (this) {
      state = State.STOPPED;
    }
    for (InputDStream<?> input : inputs) {
      try {
        input.stop();
      } catch (RuntimeException e) {
        LOG.warn("Stopping input {} failed", input.name(), e);
      }
    }
    listeners.forEach(l -> l.onStopped(failure));
    terminated.countDown();
  }

  /**
   * Waits for the context's threads to end: the batch thread signals termination just before it
   * exits. A listener that stops the context runs on the batch thread, which cannot wait for
   * itself.
   */
  private static void joinUnlessCurrent(Thread clock, Thread batches) {
    if (batches == null || Thread.currentThread() == batches) {
      return;
    }
    try {
      clock.join();
      batches.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
