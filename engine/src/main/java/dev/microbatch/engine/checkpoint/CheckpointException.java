package dev.microbatch.engine.checkpoint;

import java.nio.file.Path;

/** A checkpoint directory or file that cannot be used; the message names it. */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CheckpointException(Path path, String problem) {
    super("Checkpoint " + path + ": " + problem);
  }

  CheckpointException(Path path, String problem, Throwable cause) {
    super("Checkpoint " + path + ": " + problem, cause);
  }
}
