package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Pair;
import dev.microbatch.engine.dataset.ShuffleDependency;
import dev.microbatch.engine.scheduler.TaskContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One map task's output while the task writes it: a combiner per key (with map-side combining) or
 * the records bucketed by reduce partition, in memory while {@link ShuffleMemory} grants room for
 * them, spilled to a {@link SpillFile} when it does not. Without a codec nothing is counted and
 * nothing spills.
 *
 * <p>The room records take is estimated, as Spark's SizeTracker does, from samples: the encoded
 * size of every 1024th new record, and with map-side combining of every 1024th combiner a value was
 * folded into (combiners may grow as they fold: a list of a key's values does), averaged with the
 * recent ones weighing most; plus a fixed allowance for the objects that hold each record in
 * memory.
 */
public final class MapOutputBuffer<K, V, C> {
  private static final Logger LOG = LoggerFactory.getLogger(MapOutputBuffer.class);

  /** What a record costs in memory beyond its encoded bytes: its pair, key and value objects. */
  private static final long OBJECT_OVERHEAD_BYTES = 96;

  private static final int SAMPLE_EVERY = 1024;

  private final ShuffleDependency<?, K, V, C> dependency;
  private final ShuffleOutput<K> output;
  private final ShuffleCodec<K, ?> codec;
  private final ShuffleMemory memory;
  private final TaskMemory taskMemory;
  private final TaskContext task;

  private final ByteArrayOutputStream sample = new ByteArrayOutputStream();
  private final List<SpillFile> spills = new ArrayList<>();
  private Map<K, C> combined;
  private List<List<Pair<K, ?>>> buckets;
  private long records;
  private long folds;
  private long encodedBytesAverage = -1;
  private long bytesPerRecord = OBJECT_OVERHEAD_BYTES;

  public MapOutputBuffer(
      ShuffleDependency<?, K, V, C> dependency,
      ShuffleMemory memory,
      int parallelism,
      TaskContext task) {
    this.dependency = dependency;
    this.output = dependency.output();
    this.codec = dependency.spillCodec();
    this.memory = memory;
    this.taskMemory = new TaskMemory(memory, parallelism);
    this.task = task;
    clear();
  }

  public void add(K key, V value) {
    if (combined != null) {
      C combiner = combined.get(key);
      C folded = dependency.aggregator().fold(combiner, value);
      if (folded != combiner) { // a combiner folded in place is in the map already
        combined.put(key, folded);
      }
      if (codec != null) {
        if (combiner == null) {
          counted(key, folded);
        } else if (++folds % SAMPLE_EVERY == 0) {
          sample(key, folded);
          ensureRoom();
        }
      }
    } else {
      buckets.get(output.bucketOf(key)).add(new Pair<>(key, value));
      if (codec != null) {
        counted(key, value);
      }
    }
  }

  /**
   * Hands what is left in memory, and the spills, to the shuffle's output; the memory it takes
   * stays reserved until the job ends or another task reclaims it.
   */
  public void finish(int mapPartition) {
    output.write(mapPartition, new ShuffleOutput.MapOutput<>(inBuckets(), List.copyOf(spills)));
    taskMemory.trimTo(records * bytesPerRecord);
    taskMemory.holdUntilJobEnds(() -> output.spillToDisk(mapPartition, codec, memory), task);
    if (!spills.isEmpty()) {
      LOG.info(
          "Task {} spilled its shuffle output to disk {} times: {} KB",
          task.partition(),
          spills.size(),
          spills.stream().mapToLong(SpillFile::sizeBytes).sum() >> 10);
    }
  }

  /** Frees the memory still reserved: all of it if the task failed before {@link #finish}. */
  public void releaseReserved() {
    taskMemory.releaseAll();
  }

  private void counted(K key, Object value) {
    records++;
    if (records % SAMPLE_EVERY == 1) {
      sample(key, value);
    }
    ensureRoom();
  }

  /** Reserves room for what the records are estimated to take now, or spills. */
  private void ensureRoom() {
    if (!taskMemory.makeRoom(records * bytesPerRecord)) {
      spill();
    }
  }

  @SuppressWarnings("unchecked")
  private void sample(K key, Object value) {
    sample.reset();
    try {
      ((ShuffleCodec<K, Object>) codec).encode(key, value, sample);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode a shuffle record to measure it", e);
    }
    long size = sample.size();
    encodedBytesAverage =
        encodedBytesAverage < 0 ? size : encodedBytesAverage + (size - encodedBytesAverage) / 8;
    bytesPerRecord = encodedBytesAverage + OBJECT_OVERHEAD_BYTES;
  }

  private void spill() {
    SpillFile spill = SpillFile.write(memory.newSpillFile(), inBuckets(), codec);
    spills.add(spill);
    memory.addSpilled(spill.sizeBytes());
    task.reportSpill(spill.sizeBytes());
    releaseReserved();
    records = 0;
    clear();
  }

  /** What the task holds in memory, one bucket per reduce partition. */
  private List<List<Pair<K, ?>>> inBuckets() {
    if (combined == null) {
      return buckets;
    }
    List<List<Pair<K, ?>>> rows = output.newBuckets();
    combined.forEach((key, c) -> rows.get(output.bucketOf(key)).add(new Pair<>(key, c)));
    return rows;
  }

  private void clear() {
    if (dependency.mapSideCombine()) {
      combined = new HashMap<>();
    } else {
      buckets = output.newBuckets();
    }
  }
}
