package dev.microbatch.engine.dataset;

import java.util.List;

/** The engine's task threads still alive in this JVM. */
final class EngineThreads {
  private EngineThreads() {}

  static List<String> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(JobScheduler.THREAD_PREFIX))
        .toList();
  }
}
