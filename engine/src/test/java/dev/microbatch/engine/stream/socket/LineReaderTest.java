package dev.microbatch.engine.stream.socket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  /** Each line read, with "+" after a piece of a longer line and "!" after invalid UTF-8. */
  private static List<String> read(byte[] bytes, int maxLineBytes) throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(bytes), maxLineBytes);
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      lines.add(line + (reader.wasPiece() ? "+" : "") + (reader.hadInvalidUtf8() ? "!" : ""));
    }
    return lines;
  }

  @Test
  void linesEndAtNewlinesOrCrLfsAndTheLastNeedsNone() throws IOException {
    assertThat(
        read("one\ntwo\r\n\nlast".getBytes(UTF_8), 100),
        equalTo(List.of("one", "two", "", "last")));
  }

  @Test
  void aLineOverTheLimitComesInPiecesCutBetweenCharacters() throws IOException {
    // "é" is two bytes and "€" three: no piece may end inside one
    assertThat(read("aéé€b\nok\n".getBytes(UTF_8), 4), equalTo(List.of("aé+", "é+", "€b", "ok")));
    assertThat(read("abcdefgh\n".getBytes(UTF_8), 4), equalTo(List.of("abcd+", "efgh")));
  }

  @Test
  void invalidUtf8IsReplacedAndSaidSo() throws IOException {
    byte[] bytes = {'a', (byte) 0xFF, 'b', '\n', 'c', '\n'};
    assertThat(read(bytes, 100), equalTo(List.of("a\uFFFDb!", "c")));
  }
}
