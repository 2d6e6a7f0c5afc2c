package dev.tuneloop.ml.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokenizes texts with a Hugging Face {@code tokenizer.json} through DJL's Rust binding: special
 * tokens added, truncation to a configurable maximum length, no padding (batches are padded to
 * their own longest text by {@link TokenizedBatch#pad}).
 *
 * <p>Always built from a local file: the hub-name constructors would try to download.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
  }

  /**
   * Loads a tokenizer.
   *
   * @param tokenizerJson path of {@code tokenizer.json}
   * @param maxLength longest sequence in tokens, special tokens included (at least 2)
   * @param padId id used for padding (the model's {@code pad_token_id})
   * @throws IOException if the file is missing or not a valid tokenizer
   */
  public static TextTokenizer load(Path tokenizerJson, int maxLength, long padId)
      throws IOException {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be at least 2, was " + maxLength);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("Tokenizer file not found: " + tokenizerJson);
    }
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerJson)
            .optAddSpecialTokens(true)
            .optTruncation(true)
            .optMaxLength(maxLength)
            .optPadding(false)
            .build();
    return new TextTokenizer(tokenizer, maxLength, padId);
  }

  /** The maximum length in tokens. */
  public int maxLength() {
    return maxLength;
  }

  /** The padding id. */
  public long padId() {
    return padId;
  }

  /** Tokenizes one text (truncated, not padded). */
  public TokenIds encode(String text) {
    Encoding encoding = tokenizer.encode(text);
    return new TokenIds(encoding.getIds(), encoding.getTypeIds());
  }

  /** Tokenizes texts (truncated, not padded), in the Rust library's parallel batch mode. */
  public List<TokenIds> encodeAll(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    List<TokenIds> out = new ArrayList<>(encodings.length);
    for (Encoding encoding : encodings) {
      out.add(new TokenIds(encoding.getIds(), encoding.getTypeIds()));
    }
    return out;
  }

  /** Tokenizes texts and pads them to the longest. */
  public TokenizedBatch encodeBatch(List<String> texts) {
    return TokenizedBatch.pad(encodeAll(texts), padId);
  }

  /** The tokens of a text, for debugging and tests. */
  public List<String> tokens(String text) {
    return List.of(tokenizer.encode(text).getTokens());
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
