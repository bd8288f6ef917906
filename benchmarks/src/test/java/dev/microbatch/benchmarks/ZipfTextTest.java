package dev.microbatch.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipfTextTest {

  @Test
  void theSameSeedGivesTheSameTextOfAtLeastTheSizeAsked(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    ZipfText.write(a, 100_000, 7);
    ZipfText.write(b, 100_000, 7);
    assertThat(Files.mismatch(a, b), equalTo(-1L));
    assertThat(Files.size(a), greaterThanOrEqualTo(100_000L));
    assertThat(Files.size(a), lessThan(100_200L));
  }

  @Test
  void wordFrequenciesFallWithRankAsZipfSays() {
    ZipfText text = new ZipfText(1);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      counts.merge(text.nextWord(), 1, Integer::sum);
    }
    int[] sorted = counts.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    int first = sorted[sorted.length - 1];
    int second = sorted[sorted.length - 2];
    // Zipf with exponent 1: the most common word about twice as frequent as the second
    assertThat((double) first / second, greaterThan(1.6));
    assertThat((double) first / second, lessThan(2.5));
    assertThat(counts.size(), greaterThan(10_000));
  }
}
