package dev.microbatch.engine.stream.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into UTF-8 lines ({@code \n} or {@code \r\n}) with bounded memory: a line
 * longer than {@code maxLineBytes} comes in pieces of at most that many bytes, cut between
 * characters, so nothing is lost and nothing grows without bound. Invalid UTF-8 is replaced by
 * U+FFFD. After each line, {@link #wasPiece()} and {@link #hadInvalidUtf8()} say which applied.
 */
final class LineReader {
  private final PushbackInputStream in;
  private final byte[] line;
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private boolean piece;
  private boolean invalidUtf8;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = new PushbackInputStream(in, 4);
    this.line = new byte[maxLineBytes];
  }

  /** The next line, or null at the end of the stream. */
  String readLine() throws IOException {
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return length == 0 ? null : decode(length, false);
      }
      if (b == '\n') {
        return decode(length > 0 && line[length - 1] == '\r' ? length - 1 : length, false);
      }
      if (length == line.length) {
        in.unread(b);
        return decode(cutBetweenCharacters(length), true);
      }
      line[length++] = (byte) b;
    }
  }

  /** Where to cut a full line so that no character is split; pushes back what follows the cut. */
  private int cutBetweenCharacters(int length) throws IOException {
    int start = length - 1;
    while (start > 0 && length - start < 4 && (line[start] & 0xC0) == 0x80) {
      start--; // back to the first byte of the last character
    }
    int lead = line[start] & 0xFF;
    int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (start > 0 && start + size > length) {
      in.unread(line, start, length - start); // its character continues in the next piece
      return start;
    }
    return length;
  }

  private String decode(int length, boolean isPiece) {
    piece = isPiece;
    try {
      invalidUtf8 = false;
      return strict.decode(ByteBuffer.wrap(line, 0, length)).toString();
    } catch (CharacterCodingException e) {
      invalidUtf8 = true;
      return new String(line, 0, length, StandardCharsets.UTF_8); // replaces what is invalid
    }
  }

  /** Whether the last line was a piece of a line longer than the limit. */
  boolean wasPiece() {
    return piece;
  }

  /** Whether the last line had invalid UTF-8, now replaced by U+FFFD. */
  boolean hadInvalidUtf8() {
    return invalidUtf8;
  }
}
