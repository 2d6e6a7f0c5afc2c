package dev.tuneloop.ml.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.tiny.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {

  @TempDir Path dir;

  @Test
  void batchIsPaddedToItsLongestTextAndTruncatedToMaxLength() throws Exception {
    BaseModelFolder folder = TinyModels.baseModel(dir, 1);
    try (TextTokenizer tokenizer = TextTokenizer.load(folder.tokenizerFile(), 8, 0)) {
      assertThat(tokenizer.tokens("Free money")).containsExactly("[CLS]", "free", "money", "[SEP]");
      assertThat(tokenizer.tokens("xyz")).containsExactly("[CLS]", "x", "##y", "##z", "[SEP]");

      TokenizedBatch batch = tokenizer.encodeBatch(List.of("win", "the team meeting"));
      assertThat(batch.size()).isEqualTo(2);
      assertThat(batch.length()).isEqualTo(5); // [CLS] the team meeting [SEP]
      assertThat(batch.attentionMask()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1);
      assertThat(batch.inputIds()[3]).isZero();

      TokenIds truncated =
          tokenizer.encode("the team meeting about the project report and the lunch");
      assertThat(truncated.length()).isEqualTo(8);
      assertThat(truncated.ids()[7]).isEqualTo(3); // still ends with [SEP]
    }
  }
}
