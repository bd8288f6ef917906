package dev.microbatch.runner;

import java.util.List;

/** Threads of the engine (task pools, batch clock and batch runner) still alive. */
final class EngineThreadNames {
  private EngineThreadNames() {}

  static List<String> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("microbatch-task-") || name.startsWith("microbatch-stream-"))
        .toList();
  }
}
