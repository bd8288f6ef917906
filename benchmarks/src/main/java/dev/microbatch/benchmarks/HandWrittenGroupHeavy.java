package dev.microbatch.benchmarks;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The parts of B2 as plain Java, the physical limit here: the numbers split in one range per
 * thread, each thread adding into arrays indexed by key (or, for the join, looking names up in a
 * hash map as the side input does), then the threads' arrays merged.
 */
final class HandWrittenGroupHeavy {
  private HandWrittenGroupHeavy() {}

  static void run(GroupHeavy.Part part, long elements, Path output, int threads) throws Exception {
    List<String> lines = new ArrayList<>();
    switch (part) {
      case MANY_KEYS -> {
        long[][] countsAndSums =
            sum(
                elements,
                threads,
                2 * (int) GroupHeavy.MANY,
                (n, into) -> {
                  int key = (int) GroupHeavy.manyKey(n);
                  into[2 * key]++;
                  into[2 * key + 1] += n;
                });
        long[] total = countsAndSums[0];
        for (int key = 0; key < GroupHeavy.MANY; key++) {
          if (total[2 * key] > 0) {
            lines.add(key + ": " + total[2 * key] + " " + total[2 * key + 1]);
          }
        }
      }
      case HOT_KEYS -> {
        int keys = (int) (GroupHeavy.HOT + GroupHeavy.COLD);
        long[] total =
            sum(
                elements,
                threads,
                2 * keys,
                (n, into) -> {
                  int key = (int) GroupHeavy.hotKey(n);
                  into[2 * key]++;
                  into[2 * key + 1] += n;
                })[0];
        for (int key = 0; key < keys; key++) {
          if (total[2 * key] > 0) {
            lines.add(key + ": " + total[2 * key + 1]);
          }
        }
      }
      case SIDE_INPUT_JOIN -> {
        Map<Long, String> names = new HashMap<>();
        for (long key = 0; key < GroupHeavy.SIDE; key++) {
          names.put(key, GroupHeavy.name(key));
        }
        Map<String, Integer> index = new HashMap<>();
        for (long name = 0; name < GroupHeavy.NAMES; name++) {
          index.put(GroupHeavy.name(name), (int) name);
        }
        long[] total =
            sum(
                elements,
                threads,
                (int) GroupHeavy.NAMES,
                (n, into) -> into[index.get(names.get(GroupHeavy.joinKey(n)))]++)[0];
        for (int name = 0; name < total.length; name++) {
          if (total[name] > 0) {
            lines.add(GroupHeavy.name(name) + ": " + total[name]);
          }
        }
      }
    }
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
    }
  }

  @FunctionalInterface
  private interface Adder {
    void add(long n, long[] into);
  }

  /** Adds the numbers into one array per thread; returns them, the first holding the total. */
  private static long[][] sum(long elements, int threads, int size, Adder adder) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long from = elements * t / threads;
        long to = elements * (t + 1) / threads;
        parts.add(
            pool.submit(
                () -> {
                  long[] into = new long[size];
                  for (long n = from; n < to; n++) {
                    adder.add(n, into);
                  }
                  return into;
                }));
      }
      long[][] arrays = new long[threads][];
      for (int t = 0; t < threads; t++) {
        arrays[t] = parts.get(t).get();
      }
      for (int t = 1; t < threads; t++) {
        for (int i = 0; i < size; i++) {
          arrays[0][i] += arrays[t][i];
        }
      }
      return arrays;
    } finally {
      pool.shutdown();
    }
  }
}
