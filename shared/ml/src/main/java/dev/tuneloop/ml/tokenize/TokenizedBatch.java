package dev.tuneloop.ml.tokenize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tuneloop.ml.model.EncoderInput;
import java.util.List;

/**
 * A batch padded to its longest sequence, as flat row-major int64 arrays of [size, length].
 *
 * @param size number of texts
 * @param length tokens per text after padding
 * @param inputIds token ids
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids
 */
public record TokenizedBatch(
    int size, int length, long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {

  /**
   * Pads texts to the longest among them.
   *
   * @param padId id written into padding positions
   */
  public static TokenizedBatch pad(List<TokenIds> texts, long padId) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("A batch needs at least one text");
    }
    int length = 0;
    for (TokenIds text : texts) {
      length = Math.max(length, text.length());
    }
    int size = texts.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    long[] types = new long[size * length];
    java.util.Arrays.fill(ids, padId);
    for (int row = 0; row < size; row++) {
      TokenIds text = texts.get(row);
      int offset = row * length;
      System.arraycopy(text.ids(), 0, ids, offset, text.length());
      System.arraycopy(text.typeIds(), 0, types, offset, text.length());
      java.util.Arrays.fill(mask, offset, offset + text.length(), 1L);
    }
    return new TokenizedBatch(size, length, ids, mask, types);
  }

  /** Number of real (non-padding) tokens in the batch. */
  public long realTokens() {
    long count = 0;
    for (long m : attentionMask) {
      count += m;
    }
    return count;
  }

  /** Creates the encoder's input arrays in {@code manager}. */
  public EncoderInput toInput(NDManager manager) {
    Shape shape = new Shape(size, length);
    NDArray ids = manager.create(inputIds, shape);
    NDArray mask = manager.create(attentionMask, shape);
    NDArray types = manager.create(tokenTypeIds, shape);
    return new EncoderInput(ids, mask, types);
  }
}
