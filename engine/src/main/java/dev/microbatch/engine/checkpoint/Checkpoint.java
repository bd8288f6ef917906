package dev.microbatch.engine.checkpoint;

import java.util.Map;

/**
 * What a streaming job wrote after a completed batch: each part of its state (an input's position,
 * a keyed stream's state) as bytes under a name of the job's choosing.
 *
 * @param batchTime the batch after which it was taken
 * @param pipeline identifies the job that wrote it (a restarted job must be the same job)
 * @param parts the state, by name
 */
public record Checkpoint(long batchTime, String pipeline, Map<String, byte[]> parts) {
  public Checkpoint {
    parts = Map.copyOf(parts);
  }
}
