package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.shuffle.HeldMapOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What a running task knows about itself: its partition, whether its job was cancelled, what the
 * tasks of its stage share, and the clean-up to run when it ends (successfully or not), last
 * registered first.
 */
public final class TaskContext {
  private final int partition;
  private final JobControl job;
  private final Map<Object, Object> sharedInStage;
  private final LongConsumer spillListener;
  private final Set<Dataset<?>> stageInputs;
  private final List<CountingIterator<?>> reads = new ArrayList<>();
  private final Deque<Consumer<Boolean>> completionListeners = new ArrayDeque<>();

  TaskContext(
      int partition,
      JobControl job,
      Map<Object, Object> sharedInStage,
      LongConsumer spillListener,
      Set<Dataset<?>> stageInputs) {
    this.partition = partition;
    this.job = job;
    this.sharedInStage = sharedInStage;
    this.spillListener = spillListener;
    this.stageInputs = stageInputs;
  }

  public int partition() {
    return partition;
  }

  /**
   * The object the tasks of this run of this stage share under {@code key}, made by the first that
   * asks: how one task hands work to another (a source's readers, each task taking over part of
   * what another has left). A later run of the stage, or another stage, gets its own.
   */
  @SuppressWarnings("unchecked")
  public <T> T sharedInStage(Object key, Supplier<T> create) {
    return (T) sharedInStage.computeIfAbsent(key, k -> create.get());
  }

  /**
   * The records of a partition of {@code dataset}: counted as this task's records read if the
   * dataset is one the stage reads from (a source, or a shuffle's reduce side).
   */
  public <T> Iterator<T> read(Dataset<T> dataset, Iterator<T> records) {
    if (!stageInputs.contains(dataset)) {
      return records;
    }
    CountingIterator<T> counted = new CountingIterator<>(records);
    reads.add(counted);
    return counted;
  }

  long recordsRead() {
    long read = 0;
    for (CountingIterator<?> counted : reads) {
      read += counted.count();
    }
    return read;
  }

  /** Throws {@link JobCancelledException} if the job this task belongs to was cancelled. */
  public void checkCancelled() {
    job.checkCancelled();
  }

  /** Tells the job's listeners that this task spilled {@code bytes} of shuffle records to disk. */
  public void reportSpill(long bytes) {
    spillListener.accept(bytes);
  }

  /** Keeps the memory of the map output this task left in memory reserved until the job ends. */
  public void holdUntilJobEnds(HeldMapOutput output) {
    job.hold(output);
  }

  /** Registers clean-up (a DoFn's teardown, say) to run when this task ends, however it ends. */
  public void onCompletion(Runnable listener) {
    onCompletionWithOutcome(succeeded -> listener.run());
  }

  /** Like {@link #onCompletion(Runnable)}, told whether the task succeeded. */
  public void onCompletionWithOutcome(Consumer<Boolean> listener) {
    completionListeners.push(listener);
  }

  /** Runs the completion listeners; the first failure among them is thrown after all ran. */
  void complete(boolean succeeded) {
    List<Runnable> lastFirst = new ArrayList<>();
    while (!completionListeners.isEmpty()) {
      Consumer<Boolean> listener = completionListeners.pop();
      lastFirst.add(() -> listener.accept(succeeded));
    }
    CleanUps.runAll(lastFirst);
  }
}
