package dev.microbatch.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic benchmark text: lines of about ten words drawn from a vocabulary of made-up
 * lower-case words with Zipf-distributed frequencies (a few words very common, most rare, as in
 * natural text). The same seed and size give the same bytes on every machine.
 */
final class ZipfText {
  static final int VOCABULARY = 50_000;
  private static final double EXPONENT = 1.0;
  private static final int WORDS_PER_LINE = 10;

  private final String[] words;
  private final double[] cumulative;
  private final Random random;

  ZipfText(long seed) {
    this.random = new Random(seed);
    this.words = vocabulary(random);
    this.cumulative = new double[VOCABULARY];
    double sum = 0;
    for (int rank = 0; rank < VOCABULARY; rank++) {
      sum += 1 / Math.pow(rank + 1, EXPONENT);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < VOCABULARY; rank++) {
      cumulative[rank] /= sum;
    }
  }

  /** Distinct words of 2 to 10 letters. */
  private static String[] vocabulary(Random random) {
    Set<String> seen = new HashSet<>();
    String[] words = new String[VOCABULARY];
    int n = 0;
    while (n < VOCABULARY) {
      char[] letters = new char[2 + random.nextInt(9)];
      for (int i = 0; i < letters.length; i++) {
        letters[i] = (char) ('a' + random.nextInt(26));
      }
      String word = new String(letters);
      if (seen.add(word)) {
        words[n++] = word;
      }
    }
    return words;
  }

  String nextWord() {
    int rank = Arrays.binarySearch(cumulative, random.nextDouble());
    return words[rank >= 0 ? rank : Math.min(-rank - 1, VOCABULARY - 1)];
  }

  String nextLine() {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < WORDS_PER_LINE; i++) {
      line.append(i == 0 ? "" : " ").append(nextWord());
    }
    return line.toString();
  }

  /** Writes lines to {@code file} until it holds at least {@code bytes} bytes. */
  static void write(Path file, long bytes, long seed) throws IOException {
    ZipfText text = new ZipfText(seed);
    long written = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      while (written < bytes) {
        String line = text.nextLine();
        out.write(line);
        out.write('\n');
        written += line.length() + 1;
      }
    }
  }
}
