package dev.microbatch.engine.dataset;

import java.util.List;

/**
 * The fused chain of narrow operations between stage boundaries, ending in {@code dataset}: one
 * task per partition computes it and hands the records to {@code sink}.
 */
record Stage(int id, Dataset<?> dataset, StageSink sink, List<Stage> parents) {
  int numTasks() {
    return dataset.numPartitions();
  }
}
