package dev.microbatch.engine.dataset;

import dev.microbatch.engine.scheduler.JobControl;
import dev.microbatch.engine.scheduler.JobListener;
import dev.microbatch.engine.scheduler.JobScheduler;
import dev.microbatch.engine.scheduler.Stage;
import dev.microbatch.engine.scheduler.StageInfo;
import dev.microbatch.engine.scheduler.StagePlanner;
import dev.microbatch.engine.scheduler.TaskContext;
import dev.microbatch.engine.shuffle.ShuffleMemory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point of the dataset layer (Spark's SparkContext): creates source datasets and runs
 * jobs on {@code parallelism} task threads.
 */
public final class EngineContext {
  private final int parallelism;
  private final ShuffleMemory shuffleMemory;
  private final AtomicInteger ids = new AtomicInteger();
  private final Set<JobControl> runningJobs = ConcurrentHashMap.newKeySet();
  private final List<JobListener> jobListeners = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  public EngineContext(int parallelism, ShuffleMemory shuffleMemory) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    this.parallelism = parallelism;
    this.shuffleMemory = shuffleMemory;
  }

  /** A context whose shuffles never spill. */
  public EngineContext(int parallelism) {
    this(parallelism, ShuffleMemory.unlimited());
  }

  /** A context with one task thread per available processor. */
  public EngineContext() {
    this(Runtime.getRuntime().availableProcessors());
  }

  public int parallelism() {
    return parallelism;
  }

  public ShuffleMemory shuffleMemory() {
    return shuffleMemory;
  }

  /** The records of {@code data}, cut into {@code numSlices} contiguous partitions. */
  public <T> Dataset<T> parallelize(List<T> data, int numSlices) {
    if (numSlices < 1) {
      throw new IllegalArgumentException("numSlices must be at least 1, was " + numSlices);
    }
    List<List<T>> slices = new ArrayList<>();
    for (int i = 0; i < numSlices; i++) {
      int from = (int) ((long) data.size() * i / numSlices);
      int to = (int) ((long) data.size() * (i + 1) / numSlices);
      slices.add(List.copyOf(data.subList(from, to)));
    }
    return new ParallelCollectionDataset<>(this, slices);
  }

  /** A dataset with no partitions. */
  public <T> Dataset<T> empty() {
    return new ParallelCollectionDataset<>(this, List.of());
  }

  /** The partitions of every dataset in {@code datasets}, one after the other. */
  public <T> Dataset<T> union(List<Dataset<T>> datasets) {
    return datasets.size() == 1 ? datasets.get(0) : new UnionDataset<>(this, datasets);
  }

  /** A source whose partition {@code i} is whatever {@code reader} returns for {@code i}. */
  public <T> Dataset<T> generate(int numPartitions, PartitionReader<T> reader) {
    return new GeneratedDataset<>(this, numPartitions, reader);
  }

  /**
   * Runs one job: computes every broadcast in {@code broadcasts} and pulls every record of every
   * dataset in {@code drains}. Throws the first task failure, or {@link JobCancelledException}.
   */
  public void runJob(List<? extends Dataset<?>> drains, List<? extends Broadcast<?>> broadcasts) {
    int jobId = nextId();
    JobControl control = new JobControl(jobId);
    boolean succeeded = false;
    runningJobs.add(control);
    try {
      if (cancelled) {
        control.cancel();
      }
      List<Stage> stages = StagePlanner.plan(List.copyOf(drains), List.copyOf(broadcasts));
      List<StageInfo> infos = stages.stream().map(Stage::info).toList();
      jobListeners.forEach(l -> l.onJobStarted(jobId, infos));
      new JobScheduler(jobId, parallelism, control, jobListeners).run(stages);
      succeeded = true;
    } finally {
      control.releaseHeldOutputs();
      runningJobs.remove(control);
      boolean ended = succeeded;
      jobListeners.forEach(l -> l.onJobEnded(jobId, ended));
    }
  }

  /** Hears about every job run on this context from now on. */
  public void addJobListener(JobListener listener) {
    jobListeners.add(listener);
  }

  /** Cancels the running jobs and every job started later on this context. */
  public void cancel() {
    cancelled = true;
    runningJobs.forEach(JobControl::cancel);
  }

  int nextId() {
    return ids.incrementAndGet();
  }

  /** Reads one partition of a source dataset. */
  @FunctionalInterface
  public interface PartitionReader<T> {
    Iterator<T> read(int partition, TaskContext task);
  }
}
