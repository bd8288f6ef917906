package dev.microbatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time and peak resident memory of a process the harness did not write (the examples' own
 * main), read from Linux's /proc every 10 ms while it runs: the last reading before it exits, so
 * its final 10 ms of CPU may be missing.
 */
final class ProcessStats {
  /** Clock ticks a second in /proc/[pid]/stat: USER_HZ, 100 on Linux. */
  private static final long TICKS_PER_SECOND = 100;

  private final Thread watcher;
  private volatile long cpuMillis;
  private volatile long peakRssKb;

  private ProcessStats(Process process) {
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
    watcher =
        new Thread(
            () -> {
              while (process.isAlive()) {
                read(stat, status);
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "process-stats-" + process.pid());
    watcher.setDaemon(true);
    watcher.start();
  }

  static ProcessStats watch(Process process) {
    return new ProcessStats(process);
  }

  /** Waits for the process's last reading. */
  ProcessStats finish() throws InterruptedException {
    watcher.join();
    return this;
  }

  long cpuMillis() {
    return cpuMillis;
  }

  long peakRssKb() {
    return peakRssKb;
  }

  private void read(Path stat, Path status) {
    try {
      // the fields after the command's name, which ends in ')': utime and stime are 12th and 13th
      String line = Files.readString(stat);
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      cpuMillis = ticks * 1000 / TICKS_PER_SECOND;
      for (String entry : Files.readAllLines(status)) {
        if (entry.startsWith("VmHWM:")) {
          peakRssKb = Long.parseLong(entry.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between the check and the read: the last reading stands
    }
  }
}
