package dev.microbatch.engine.scheduler;

/** Carries a checked exception thrown by a task; unchecked ones are rethrown as they are. */
public class TaskFailedException extends RuntimeException {
  public TaskFailedException(Throwable cause) {
    super(cause.toString(), cause);
  }
}
