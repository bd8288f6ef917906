package dev.microbatch.engine.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A streaming job's statistics as Spark Streaming's status tab shows them: the batches running now,
 * the last completed ones in detail, and totals over every batch since the start. Its size stays
 * bounded however long the job runs: beyond the last {@code retained} batches only the totals
 * remain.
 */
public final class MicroBatchStatistics implements StreamingListener {
  private final long batchIntervalMillis;
  private final long startTime;
  private final int retained;
  private final Set<Long> waiting = new TreeSet<>();
  private final Map<Long, Long> running = new TreeMap<>();
  private final Deque<MicroBatchInfo> recent = new ArrayDeque<>();
  private final Map<String, Long> recordsByInput = new LinkedHashMap<>();
  private long completedBatches;
  private long totalRecords;

  /** Totals over every completed batch. */
  public record Totals(long completedBatches, long records, Map<String, Long> recordsByInput) {}

  /**
   * A consistent view: the batches waiting to run, the running ones (their times and start times),
   * and the recent ones.
   */
  public record Snapshot(
      long batchIntervalMillis,
      long startTime,
      List<Long> waiting,
      Map<Long, Long> runningSince,
      List<MicroBatchInfo> completed,
      Totals totals) {}

  public MicroBatchStatistics(long batchIntervalMillis, long startTime, int retained) {
    if (retained < 1) {
      throw new IllegalArgumentException("Batch statistics keep at least 1 batch, not " + retained);
    }
    this.batchIntervalMillis = batchIntervalMillis;
    this.startTime = startTime;
    this.retained = retained;
  }

  @Override
  public synchronized void onBatchSubmitted(long batchTime) {
    waiting.add(batchTime);
  }

  @Override
  public synchronized void onBatchStarted(long batchTime) {
    waiting.remove(batchTime);
    running.put(batchTime, System.currentTimeMillis());
  }

  @Override
  public synchronized void onBatchCompleted(MicroBatchInfo batch) {
    running.remove(batch.batchTime());
    recent.addLast(batch);
    if (recent.size() > retained) {
      recent.removeFirst();
    }
    completedBatches++;
    totalRecords += batch.numRecords();
    batch
        .inputRecords()
        .forEach((input, records) -> recordsByInput.merge(input, records, Long::sum));
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        batchIntervalMillis,
        startTime,
        List.copyOf(waiting),
        Collections.unmodifiableMap(new TreeMap<>(running)),
        List.copyOf(new ArrayList<>(recent)),
        new Totals(completedBatches, totalRecords, Map.copyOf(recordsByInput)));
  }
}
