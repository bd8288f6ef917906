package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Broadcast;
import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.Dependency;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a job into stages at its shuffles and broadcasts, and orders them so that every stage comes
 * after the stages it reads from. Shuffles and broadcasts already computed are not planned again.
 */
public final class StagePlanner {
  private final List<Stage> ordered = new ArrayList<>();
  private final Map<Object, Stage> stageByBoundary = new IdentityHashMap<>();
  private int nextStageId;

  public static List<Stage> plan(List<Dataset<?>> drains, List<Broadcast<?>> broadcasts) {
    StagePlanner planner = new StagePlanner();
    for (Broadcast<?> b : broadcasts) {
      planner.broadcastStage(b);
    }
    for (Dataset<?> d : drains) {
      planner.newStage(d, new StageSink.Drain());
    }
    return List.copyOf(planner.ordered);
  }

  private Stage newStage(Dataset<?> dataset, StageSink sink) {
    List<Stage> parents = new ArrayList<>();
    collectParents(dataset, parents, Collections.newSetFromMap(new IdentityHashMap<>()));
    Stage stage = new Stage(nextStageId++, dataset, sink, List.copyOf(parents));
    ordered.add(stage);
    return stage;
  }

  private void collectParents(Dataset<?> dataset, List<Stage> parents, Set<Dataset<?>> seen) {
    if (!seen.add(dataset)) {
      return;
    }
    for (Dependency dependency : dataset.dependencies()) {
      if (dependency instanceof Dependency.Narrow narrow) {
        collectParents(narrow.parent(), parents, seen);
      } else if (dependency instanceof Dependency.Shuffle shuffle) {
        if (!shuffle.isComplete()) {
          parents.add(shuffleStage(shuffle));
        }
      } else if (dependency instanceof Dependency.OnBroadcast onBroadcast) {
        if (!onBroadcast.broadcast().isComputed()) {
          parents.add(broadcastStage(onBroadcast.broadcast()));
        }
      }
    }
  }

  private Stage shuffleStage(Dependency.Shuffle shuffle) {
    Stage stage = stageByBoundary.get(shuffle);
    if (stage == null) {
      stage = newStage(shuffle.parent(), new StageSink.ShuffleWrite(shuffle));
      stageByBoundary.put(shuffle, stage);
    }
    return stage;
  }

  private Stage broadcastStage(Broadcast<?> broadcast) {
    Stage stage = stageByBoundary.get(broadcast);
    if (stage == null) {
      Dataset<?> source = broadcast.source();
      stage = newStage(source, new StageSink.Collect(broadcast, source.numPartitions()));
      stageByBoundary.put(broadcast, stage);
    }
    return stage;
  }
}
