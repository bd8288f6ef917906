package dev.microbatch.engine;

import dev.microbatch.engine.stream.socket.SocketLineReceiver;
import java.util.List;

/**
 * The engine's threads (task pools, batch clock and batch runner, socket receivers) still alive in
 * this JVM.
 */
public final class EngineThreads {
  private EngineThreads() {}

  public static List<String> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(
            name ->
                name.startsWith("microbatch-task-")
                    || name.startsWith("microbatch-stream-")
                    || name.startsWith(SocketLineReceiver.THREAD_PREFIX))
        .toList();
  }
}
