package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Dependency;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fused chain of narrow operations between stage boundaries, ending in {@code dataset}: one
 * task per partition computes it and hands the records to {@code sink}.
 */
public record Stage(int id, Dataset<?> dataset, StageSink sink, List<Stage> parents) {
  int numTasks() {
    return dataset.numPartitions();
  }

  /** What the stage reports about itself: its id, its tasks, and its datasets' names. */
  public StageInfo info() {
    Set<String> names = new LinkedHashSet<>();
    collectNames(dataset, names, Collections.newSetFromMap(new IdentityHashMap<>()));
    return new StageInfo(id, numTasks(), List.copyOf(names));
  }

  /**
   * The datasets the stage's records come from: those of its chain that read no other in the same
   * task (sources, the reduce sides of shuffles).
   */
  Set<Dataset<?>> inputs() {
    Set<Dataset<?>> inputs = Collections.newSetFromMap(new IdentityHashMap<>());
    collectInputs(dataset, inputs, Collections.newSetFromMap(new IdentityHashMap<>()));
    return inputs;
  }

  private static void collectInputs(
      Dataset<?> dataset, Set<Dataset<?>> inputs, Set<Dataset<?>> seen) {
    if (!seen.add(dataset)) {
      return;
    }
    boolean readsNarrowly = false;
    for (Dependency dependency : dataset.dependencies()) {
      if (dependency instanceof Dependency.Narrow narrow) {
        readsNarrowly = true;
        collectInputs(narrow.parent(), inputs, seen);
      }
    }
    if (!readsNarrowly) {
      inputs.add(dataset);
    }
  }

  /** The names of the datasets fused into the stage, upstream first. */
  private static void collectNames(Dataset<?> dataset, Set<String> names, Set<Dataset<?>> seen) {
    if (!seen.add(dataset)) {
      return;
    }
    for (Dependency dependency : dataset.dependencies()) {
      if (dependency instanceof Dependency.Narrow narrow) {
        collectNames(narrow.parent(), names, seen);
      }
    }
    dataset.name().ifPresent(names::add);
  }
}
