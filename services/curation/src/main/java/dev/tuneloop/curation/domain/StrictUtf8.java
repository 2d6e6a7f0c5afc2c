package dev.tuneloop.curation.domain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 without replacing bad bytes, so invalid input is reported, not silently altered.
 */
final class StrictUtf8 {

  private StrictUtf8() {}

  /** The decoded text, or null if the bytes are not valid UTF-8. */
  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** A readable excerpt of bytes that may not be valid UTF-8. */
  static String lenient(byte[] bytes) {
    int n = Math.min(bytes.length, Rejection.EXCERPT_CHARS * 2);
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }
}
