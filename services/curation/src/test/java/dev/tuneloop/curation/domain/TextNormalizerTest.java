package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

  @Test
  void foldsCaseCompatibilityFormsAndWhitespace() {
    assertThat(TextNormalizer.normalize("  Hello\t\n  WORLD  ")).isEqualTo("hello world");
    // fullwidth letters and the "fi" ligature are NFKC-equivalent to plain ASCII
    assertThat(TextNormalizer.normalize("Ｆｉｌｅ ﬁle")).isEqualTo("file file");
    assertThat(TextNormalizer.normalize("STRASSE")).isEqualTo(TextNormalizer.normalize("straße"));
    assertThat(TextNormalizer.normalize("a\u00A0b\u2003c")).isEqualTo("a b c");
  }

  @Test
  void equalNormalFormsHashEquallyAndOthersDoNot() {
    String a = TextNormalizer.hash(TextNormalizer.normalize("Free   MONEY!"));
    String b = TextNormalizer.hash(TextNormalizer.normalize("free money!"));
    String c = TextNormalizer.hash(TextNormalizer.normalize("free money?"));
    assertThat(a).isEqualTo(b).hasSize(64);
    assertThat(a).isNotEqualTo(c);
  }
}
