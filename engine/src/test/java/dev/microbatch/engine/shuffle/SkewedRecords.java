package dev.microbatch.engine.shuffle;

import dev.microbatch.engine.dataset.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The shuffle tests' input. */
final class SkewedRecords {
  private SkewedRecords() {}

  /**
   * {@code n} records with skewed keys, a tenth each on "Aa" and "BB", whose hashes are equal (as
   * Strings, and as bytes under the sort shuffle's hash): a shuffle must tell keys of one hash
   * apart. Values from 0 to 999; the same for the same {@code n}.
   */
  static List<Pair<String, Long>> records(int n) {
    Random random = new Random(42);
    List<Pair<String, Long>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key =
          switch (i % 10) {
            case 0 -> "Aa";
            case 1 -> "BB";
            default -> "k" + (random.nextBoolean() ? random.nextInt(5) : random.nextInt(20_000));
          };
      records.add(new Pair<>(key, (long) random.nextInt(1_000)));
    }
    return records;
  }
}
