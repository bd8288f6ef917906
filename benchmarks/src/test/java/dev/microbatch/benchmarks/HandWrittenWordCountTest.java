package dev.microbatch.benchmarks;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandWrittenWordCountTest {

  @Test
  void itCountsWordsAsCountWordsSplitsThemAcrossItsSlices(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.txt");
    // letters and apostrophes make words; anything else separates them
    Files.writeString(input, "to be, or not to be\nthat's the question: to be\n\nBe wörds");
    Path output = dir.resolve("out.txt");
    HandWrittenWordCount.run(input, output, 3);
    assertThat(
        Files.readAllLines(output),
        containsInAnyOrder(
            "to: 3",
            "be: 3",
            "or: 1",
            "not: 1",
            "that's: 1",
            "the: 1",
            "question: 1",
            "Be: 1",
            "wörds: 1"));
  }
}
