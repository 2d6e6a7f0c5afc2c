package dev.tuneloop.curation.domain;

import java.util.SplittableRandom;

/** Random texts over a fixed vocabulary, and near copies of them, for dedupe tests. */
final class SyntheticTexts {

  private final String[] words;
  private final SplittableRandom random;

  SyntheticTexts(long seed) {
    random = new SplittableRandom(seed);
    words = new String[5000];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      int length = 3 + random.nextInt(6);
      for (int j = 0; j < length; j++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      words[i] = w.toString();
    }
  }

  String text(int wordCount) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < wordCount; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(words[random.nextInt(words.length)]);
    }
    return out.toString();
  }

  /** {@code text} with {@code edits} words replaced by random ones. */
  String nearCopy(String text, int edits) {
    String[] parts = text.split(" ");
    for (int i = 0; i < edits; i++) {
      parts[random.nextInt(parts.length)] = words[random.nextInt(words.length)];
    }
    return String.join(" ", parts);
  }
}
