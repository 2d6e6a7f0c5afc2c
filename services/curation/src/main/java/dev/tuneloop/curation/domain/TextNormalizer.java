package dev.tuneloop.curation.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The text form used for duplicate detection: Unicode NFKC, case-folded, whitespace runs collapsed
 * to one space and trimmed. Two texts are exact duplicates when their normalized forms are equal.
 */
public final class TextNormalizer {

  private TextNormalizer() {}

  /** The normalized form of {@code text}. */
  public static String normalize(String text) {
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
    // Case folding: upper then lower maps e.g. 'ß'->"SS"->"ss" and final sigma alike; NFKC again
    // because lower-casing can produce sequences that are not in NFKC form.
    String folded = nfkc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    folded = Normalizer.normalize(folded, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(folded.length());
    boolean space = false;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        space = !out.isEmpty();
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** Lowercase hex SHA-256 of the UTF-8 bytes of an already normalized text. */
  public static String hash(String normalized) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(normalized.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
