package dev.microbatch.runner.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microbatch.engine.scheduler.JobProgress;
import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.MicroBatchStatistics;
import dev.microbatch.runner.execution.metrics.PipelineMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * The job's status over HTTP (--statusPort): a page like Spark Streaming's statistics tab at {@code
 * /}, and as JSON {@code /api/pipeline} (its transforms), {@code /api/batches} (streaming mode:
 * running and recent batches, totals), {@code /api/jobs} (batch mode: each stage's tasks done, and
 * the transforms fused into it) and {@code /api/metrics} (Beam's counters, distributions and
 * gauges), and for Prometheus at {@code /metrics} (see {@link PrometheusMetrics}). One daemon
 * thread answers; it ends with the pipeline.
 */
public final class StatusServer implements AutoCloseable {
  public static final String THREAD_NAME = "microbatch-status";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The page's files by URL path; Chart.js is the webjar's (its version as in the pom). */
  private static final Map<String, String> PAGE_FILES =
      Map.of(
          "/", "dev/microbatch/runner/status/index.html",
          "/status.js", "dev/microbatch/runner/status/status.js",
          "/chart.umd.js", "META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js");

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Thread> threads;

  private StatusServer(HttpServer server, ExecutorService executor, List<Thread> threads) {
    this.server = server;
    this.executor = executor;
    this.threads = threads;
  }

  /**
   * Listens on {@code port} of the loopback interface (0: a free one).
   *
   * @param transforms the pipeline's transforms, by full name, with their kinds
   * @param batches the batch statistics in streaming mode, null in batch mode
   * @param watermarks every PCollection's watermark after the last batch, in streaming mode
   * @param jobs the progress of the engine's jobs in batch mode
   */
  public static StatusServer start(
      int port,
      Map<String, String> transforms,
      @Nullable MicroBatchStatistics batches,
      Supplier<Map<String, Instant>> watermarks,
      JobProgress jobs,
      PipelineMetrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve the job's status on localhost:" + port + " (--statusPort): " + e, e);
    }
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, THREAD_NAME);
              thread.setDaemon(true);
              threads.add(thread);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/api/pipeline", exchange -> answer(exchange, () -> Map.of("transforms", transforms)));
    server.createContext(
        "/api/batches",
        exchange ->
            answer(
                exchange,
                () ->
                    batches == null
                        ? Map.of("streaming", false)
                        : batchesJson(batches.snapshot(), watermarks.get())));
    server.createContext(
        "/api/jobs", exchange -> answer(exchange, () -> Map.of("jobs", jobs.jobs())));
    server.createContext("/api/metrics", exchange -> answer(exchange, () -> metricsJson(metrics)));
    server.createContext(
        "/metrics",
        exchange ->
            send(
                exchange,
                PrometheusText.CONTENT_TYPE,
                PrometheusMetrics.page(
                        batches == null ? null : batches.snapshot(),
                        watermarks.get(),
                        System.currentTimeMillis(),
                        jobs,
                        metrics)
                    .getBytes(StandardCharsets.UTF_8)));
    server.createContext("/", StatusServer::page);
    server.start();
    return new StatusServer(server, executor, threads);
  }

  public URI url() {
    return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
  }

  /** Stops answering; returns once the server's thread has ended. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The page and what it loads, from the class path (Chart.js from its webjar): no internet needed.
   */
  private static void page(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String resource = PAGE_FILES.get(path);
    if (resource == null) {
      try (exchange) {
        exchange.sendResponseHeaders(404, -1);
      }
      return;
    }
    byte[] body;
    try (InputStream in = StatusServer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        exchange.close();
        throw new IllegalStateException(
            "The status page's " + resource + " is missing from the class path");
      }
      body = in.readAllBytes();
    }
    send(exchange, path.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8", body);
  }

  private static void answer(HttpExchange exchange, Supplier<Object> body) throws IOException {
    send(exchange, "application/json", JSON.writeValueAsBytes(body.get()));
  }

  private static void send(HttpExchange exchange, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** One batch as the page shows it, its delays included. */
  record BatchJson(
      long batchTime,
      long records,
      Map<String, Long> inputRecords,
      long schedulingDelay,
      long processingTime,
      long totalDelay,
      long watermark,
      @Nullable Long recordBudget,
      Map<String, Long> sourceBudgets) {
    static BatchJson of(MicroBatchInfo batch) {
      return new BatchJson(
          batch.batchTime(),
          batch.numRecords(),
          batch.inputRecords(),
          batch.schedulingDelay(),
          batch.processingTime(),
          batch.totalDelay(),
          batch.watermark(),
          batch.recordBudget() == Long.MAX_VALUE ? null : batch.recordBudget(),
          batch.sourceBudgets());
    }
  }

  private static Map<String, Object> batchesJson(
      MicroBatchStatistics.Snapshot snapshot, Map<String, Instant> watermarks) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("streaming", true);
    json.put("batchIntervalMillis", snapshot.batchIntervalMillis());
    json.put("startTime", snapshot.startTime());
    json.put("waiting", snapshot.waiting());
    json.put("running", snapshot.runningSince());
    json.put("completed", snapshot.completed().stream().map(BatchJson::of).toList());
    json.put("totals", snapshot.totals());
    Map<String, Long> watermarkMillis = new LinkedHashMap<>();
    watermarks.forEach(
        (pcollection, watermark) -> watermarkMillis.put(pcollection, watermark.getMillis()));
    json.put("watermarks", watermarkMillis);
    return json;
  }

  private static Map<String, Object> metricsJson(PipelineMetrics metrics) {
    MetricQueryResults results =
        MetricsContainerStepMap.asAttemptedOnlyMetricResults(metrics.now())
            .queryMetrics(MetricsFilter.builder().build());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("counters", rows(results.getCounters(), v -> Map.of("value", v)));
    json.put(
        "distributions",
        rows(
            results.getDistributions(),
            d ->
                Map.of(
                    "count",
                    d.getCount(),
                    "sum",
                    d.getSum(),
                    "min",
                    d.getMin(),
                    "max",
                    d.getMax())));
    json.put(
        "gauges",
        rows(
            results.getGauges(),
            g -> Map.of("value", g.getValue(), "timestamp", g.getTimestamp().getMillis())));
    return json;
  }

  private static <T> List<Map<String, Object>> rows(
      Iterable<MetricResult<T>> results,
      java.util.function.Function<T, Map<String, Object>> value) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (MetricResult<T> result : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("step", result.getKey().stepName());
      row.put("namespace", result.getName().getNamespace());
      row.put("name", result.getName().getName());
      row.putAll(value.apply(result.getAttempted()));
      rows.add(row);
    }
    return rows;
  }
}
