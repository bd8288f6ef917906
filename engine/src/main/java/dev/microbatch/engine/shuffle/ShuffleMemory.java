package dev.microbatch.engine.shuffle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The memory the map sides of a context's shuffles may hold, shared by all its tasks (Spark's
 * execution memory). A map task reserves memory as its output grows. When none is left, it first
 * reclaims memory that finished map tasks hold (spilling their outputs to disk, as Spark makes
 * other memory consumers spill), and failing that spills what it holds itself, to a file in this
 * context's spill directory, and starts over. A finished map task's output holds its memory until
 * its job ends or the memory is reclaimed.
 */
public final class ShuffleMemory {
  private final long budgetBytes;
  private final AtomicLong reserved = new AtomicLong();
  private final AtomicLong spilledBytes = new AtomicLong();
  private final Set<HeldMapOutput> held = ConcurrentHashMap.newKeySet();
  private Path spillDirectory;

  /**
   * @param budgetBytes how many bytes of records the map sides may hold, as {@link SizeEstimate}
   *     counts them
   */
  public ShuffleMemory(long budgetBytes) {
    if (budgetBytes < 1) {
      throw new IllegalArgumentException(
          "The shuffle memory budget must be positive, was " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /** No budget: shuffles never spill. */
  public static ShuffleMemory unlimited() {
    return new ShuffleMemory(Long.MAX_VALUE);
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Bytes written to spill files since this context started. */
  public long spilledBytes() {
    return spilledBytes.get();
  }

  /** Reserves {@code bytes} if that many are left; false (and nothing reserved) if not. */
  boolean tryReserve(long bytes) {
    long before;
    do {
      before = reserved.get();
      if (bytes > budgetBytes - before) {
        return false;
      }
    } while (!reserved.compareAndSet(before, before + bytes));
    return true;
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  void hold(HeldMapOutput output) {
    held.add(output);
  }

  void forget(HeldMapOutput output) {
    held.remove(output);
  }

  /**
   * Spills finished map outputs, largest first, until {@code bytes} are freed or none is left;
   * whether any was.
   */
  boolean reclaim(long bytes) {
    List<HeldMapOutput> largestFirst = new ArrayList<>(held);
    largestFirst.sort(
        Comparator.comparingLong((HeldMapOutput output) -> output.bytes()).reversed());
    long freed = 0;
    for (HeldMapOutput output : largestFirst) {
      if (freed >= bytes) {
        break;
      }
      freed += output.reclaim();
    }
    return freed > 0;
  }

  long reservedBytes() {
    return reserved.get();
  }

  void addSpilled(long bytes) {
    spilledBytes.addAndGet(bytes);
  }

  /** A new file to spill into, in a directory of this context's that is gone when the JVM exits. */
  synchronized Path newSpillFile() {
    try {
      if (spillDirectory == null) {
        Path directory = Files.createTempDirectory("microbatch-spill-");
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(() -> deleteRecursively(directory), "microbatch-spill-cleanup"));
        spillDirectory = directory;
      }
      return Files.createTempFile(spillDirectory, "shuffle-", ".spill");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a shuffle spill file in "
              + (spillDirectory != null ? spillDirectory : "java.io.tmpdir"),
          e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // the JVM is exiting; a spill directory left behind in the temp folder is all that is lost
    }
  }
}
