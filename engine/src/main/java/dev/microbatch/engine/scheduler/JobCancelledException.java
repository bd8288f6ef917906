package dev.microbatch.engine.scheduler;

import java.util.concurrent.CancellationException;

/** Thrown by a job (and by its tasks) once the job has been cancelled. */
public class JobCancelledException extends CancellationException {
  public JobCancelledException(String message) {
    super(message);
  }
}
