package dev.microbatch.engine.stream;

import java.util.List;

/** The stream layer's and the task scheduler's threads still alive in this JVM. */
final class EngineStreamThreads {
  private EngineStreamThreads() {}

  static List<String> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(StreamingContext.THREAD_PREFIX) || name.startsWith("microbatch-task-"))
        .toList();
  }
}
