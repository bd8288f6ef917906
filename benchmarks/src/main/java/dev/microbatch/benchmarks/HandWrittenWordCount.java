package dev.microbatch.benchmarks;

import java.io.BufferedWriter;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
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
 * The word count as a plain Java program, the physical limit on this machine: the file mapped in
 * slices (one per thread, cut at line ends), words (runs of letters and apostrophes, as {@code
 * CountWords} splits them) counted in a hash table per thread, then merged.
 */
final class HandWrittenWordCount {
  private HandWrittenWordCount() {}

  static void run(Path input, Path output, int threads) throws Exception {
    Map<String, long[]> total = new HashMap<>();
    try (RandomAccessFile file = new RandomAccessFile(input.toFile(), "r");
        FileChannel channel = file.getChannel()) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(input + " is over 2 GB; the baseline maps it at once");
      }
      MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Map<String, long[]>>> parts = new ArrayList<>();
        int start = 0;
        for (int t = 1; t <= threads; t++) {
          int end = t == threads ? (int) size : lineEndAfter(bytes, (int) (size * t / threads));
          int from = start;
          parts.add(pool.submit(() -> count(bytes.duplicate(), from, end)));
          start = end;
        }
        for (Future<Map<String, long[]>> part : parts) {
          part.get()
              .forEach(
                  (word, count) -> total.computeIfAbsent(word, w -> new long[1])[0] += count[0]);
        }
      } finally {
        pool.shutdown();
      }
    }
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, long[]> entry : total.entrySet()) {
        out.write(entry.getKey() + ": " + entry.getValue()[0]);
        out.write('\n');
      }
    }
  }

  private static int lineEndAfter(MappedByteBuffer bytes, int position) {
    while (position < bytes.limit() && bytes.get(position) != '\n') {
      position++;
    }
    return Math.min(bytes.limit(), position + 1);
  }

  /** Counts the words of bytes [from, end), decoded as UTF-8 a line at a time. */
  private static Map<String, long[]> count(MappedByteBuffer bytes, int from, int end) {
    Map<String, long[]> counts = new HashMap<>();
    byte[] line = new byte[1 << 16];
    int length = 0;
    for (int i = from; i <= end; i++) {
      byte b = i < end ? bytes.get(i) : (byte) '\n';
      if (b != '\n') {
        if (length == line.length) {
          line = java.util.Arrays.copyOf(line, length * 2);
        }
        line[length++] = b;
        continue;
      }
      String text = new String(line, 0, length, StandardCharsets.UTF_8);
      int wordStart = -1;
      for (int c = 0; c <= text.length(); c++) {
        boolean inWord =
            c < text.length() && (Character.isLetter(text.charAt(c)) || text.charAt(c) == '\'');
        if (inWord && wordStart < 0) {
          wordStart = c;
        } else if (!inWord && wordStart >= 0) {
          counts.computeIfAbsent(text.substring(wordStart, c), w -> new long[1])[0]++;
          wordStart = -1;
        }
      }
      length = 0;
    }
    return counts;
  }
}
