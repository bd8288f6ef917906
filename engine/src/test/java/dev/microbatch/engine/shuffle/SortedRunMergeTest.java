package dev.microbatch.engine.shuffle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.microbatch.engine.dataset.EngineContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SortedRunMergeTest {
  @Test
  void keysThatTheIndexKeepsUnderOneHashComeOutAsGroupsOfTheirOwn() {
    List<String> groups =
        new EngineContext(1)
            .generate(
                1,
                (partition, task) -> {
                  SortedRecords first = new SortedRecords(3);
                  add(first, 256, "a", 1);
                  add(first, 259, "b", 2); // 256 and 259 differ only in bits the index drops
                  add(first, 256, "a", 3);
                  first.sort();
                  SortedRecords second = new SortedRecords(3);
                  add(second, 259, "b", 4);
                  second.sort();
                  List<String> read = new ArrayList<>();
                  new SortedRunMerge(List.of(first.cursor(1), second.cursor(1)), task)
                      .forEachRemaining(
                          g ->
                              read.add(
                                  new String(g.key(), StandardCharsets.UTF_8)
                                      + Arrays.toString(g.values())));
                  return read.iterator();
                })
            .collect();

    assertEquals(List.of("a[1, 3]", "b[2, 4]"), groups);
  }

  private static void add(SortedRecords records, int hash, String key, int value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    records.add(hash, keyBytes, keyBytes.length, new byte[] {(byte) value}, 1);
  }
}
