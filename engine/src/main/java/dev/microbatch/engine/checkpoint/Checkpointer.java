package dev.microbatch.engine.checkpoint;

import dev.microbatch.engine.stream.MicroBatchInfo;
import dev.microbatch.engine.stream.StreamingListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a streaming job's checkpoints and resumes a job from the latest one. The job registers its
 * parts under stable names before it starts; every {@code everyBatches} completed batches, each
 * part's state after the batch goes into one checkpoint. A job resumed from a checkpoint must have
 * exactly the parts the checkpoint holds.
 */
public final class Checkpointer implements StreamingListener {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final CheckpointStore store;
  private final String pipeline;
  private final int everyBatches;
  private final Map<String, CheckpointedState> parts = new LinkedHashMap<>();
  private long completedBatches;

  /**
   * @param pipeline identifies the job; a checkpoint of another one is refused
   * @param everyBatches write a checkpoint after every this many completed batches
   */
  public Checkpointer(CheckpointStore store, String pipeline, int everyBatches) {
    if (everyBatches < 1) {
      throw new IllegalArgumentException(
          "Checkpoints are written every 1 or more batches, not " + everyBatches);
    }
    this.store = store;
    this.pipeline = pipeline;
    this.everyBatches = everyBatches;
  }

  public void register(String name, CheckpointedState part) {
    if (parts.putIfAbsent(name, part) != null) {
      throw new IllegalArgumentException("Two checkpointed parts are named " + name);
    }
  }

  /**
   * Restores every part from the latest checkpoint, if the directory has one. Returns the batch
   * time it was taken after. Fails, naming the directory, if the checkpoint is unsound or is not
   * this job's.
   */
  public Optional<Long> restore() {
    Optional<Checkpoint> latest = store.latest(pipeline);
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    Checkpoint checkpoint = latest.get();
    if (!checkpoint.parts().keySet().equals(parts.keySet())) {
      throw new CheckpointException(
          store.directory(),
          "the latest checkpoint holds the state of "
              + new TreeSet<>(checkpoint.parts().keySet())
              + " but this pipeline has "
              + new TreeSet<>(parts.keySet())
              + "; use another checkpoint directory or delete this one");
    }
    parts.forEach(
        (name, part) -> {
          try {
            part.restore(checkpoint.parts().get(name));
          } catch (Exception e) {
            throw new CheckpointException(
                store.directory(), "the state of " + name + " cannot be restored: " + e, e);
          }
        });
    LOG.info(
        "Resumed from the checkpoint after batch {} in {}",
        checkpoint.batchTime(),
        store.directory());
    return Optional.of(checkpoint.batchTime());
  }

  @Override
  public void onBatchCompleted(MicroBatchInfo batch) {
    if (++completedBatches % everyBatches != 0) {
      return;
    }
    Map<String, byte[]> snapshots = new LinkedHashMap<>();
    parts.forEach(
        (name, part) -> {
          try {
            snapshots.put(name, part.snapshot(batch.batchTime()));
          } catch (Exception e) {
            throw new CheckpointException(
                store.directory(), "the state of " + name + " cannot be written: " + e, e);
          }
        });
    store.write(new Checkpoint(batch.batchTime(), pipeline, snapshots));
    parts.values().forEach(part -> part.checkpointWritten(batch.batchTime()));
  }
}
