package dev.microbatch.engine.scheduler;

/** Clean-up that must all run even when some of it fails. */
public final class CleanUps {
  private CleanUps() {}

  /**
   * Runs every one of {@code cleanUps}; the first failure is thrown after all ran, the others
   * suppressed in it.
   */
  public static void runAll(Iterable<? extends Runnable> cleanUps) {
    RuntimeException failure = null;
    for (Runnable cleanUp : cleanUps) {
      try {
        cleanUp.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
