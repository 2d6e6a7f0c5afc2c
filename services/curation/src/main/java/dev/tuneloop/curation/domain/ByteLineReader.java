package dev.tuneloop.curation.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads raw byte lines from a stream (LF or CRLF), so that each line can be decoded strictly and a
 * bad byte sequence rejects one line instead of the whole batch. A line longer than the limit is
 * skipped to its end and reported as {@link Line#tooLong()}; memory stays bounded by the limit.
 */
final class ByteLineReader {

  /**
   * One line.
   *
   * @param number its 1-based number
   * @param bytes its bytes without the line break (empty when too long)
   * @param tooLong whether it exceeded the limit
   */
  record Line(long number, byte[] bytes, boolean tooLong) {}

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private long lineNumber;
  private boolean eof;

  ByteLineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line, or null at the end of the stream. */
  Line next() {
    byte[] line = new byte[256];
    int length = 0;
    boolean tooLong = false;
    boolean sawAny = false;
    while (true) {
      if (position == limit) {
        if (!fill()) {
          if (!sawAny) {
            return null;
          }
          break;
        }
      }
      sawAny = true;
      byte b = buffer[position++];
      if (b == '\n') {
        break;
      }
      if (tooLong) {
        continue;
      }
      if (length == maxBytes) {
        tooLong = true;
        continue;
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
      }
      line[length++] = b;
    }
    lineNumber++;
    if (tooLong) {
      return new Line(lineNumber, new byte[0], true);
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new Line(lineNumber, Arrays.copyOf(line, length), false);
  }

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      int n = in.read(buffer);
      if (n < 0) {
        eof = true;
        return false;
      }
      position = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the batch after line " + lineNumber, e);
    }
  }
}
