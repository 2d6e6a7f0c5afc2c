package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.tokenize.TokenIds;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * An encoder with a classification head: text tokens in, one logit per label out.
 *
 * @param encoder the BERT encoder
 * @param pooling how token vectors become a text vector
 * @param head dropout + Linear to the labels
 */
public record SequenceClassifier(BertEncoder encoder, Pooling pooling, ClassificationHead head) {

  /** The pooled text vectors [batch, hidden]. */
  public NDArray pooled(EncoderInput input, boolean training) {
    return pooling.apply(encoder.apply(input, training), input.attentionMask());
  }

  /** Logits [batch, labels]. */
  public NDArray logits(EncoderInput input, boolean training) {
    return head.apply(pooled(input, training), training);
  }

  /**
   * Label distributions for tokenized texts, in inference mode (no dropout, no autograd).
   *
   * @param padId the padding id
   * @param batchSize texts per forward pass
   * @param manager parent of the per-batch scratch managers
   * @return one row per text, in input order
   */
  public float[][] probabilities(
      List<TokenIds> texts, long padId, int batchSize, NDManager manager) {
    return forEachBatch(
        texts,
        padId,
        batchSize,
        manager,
        input -> logits(input, false).softmax(-1),
        head.numLabels());
  }

  /**
   * Label distributions and pooled text vectors in one forward pass (inference mode): each row
   * holds the {@code labels} probabilities followed by the {@code hidden} pooled values.
   */
  public float[][] probabilitiesAndPooled(
      List<TokenIds> texts, long padId, int batchSize, NDManager manager) {
    return forEachBatch(
        texts,
        padId,
        batchSize,
        manager,
        input -> {
          NDArray vectors = pooled(input, false);
          return head.apply(vectors, false).softmax(-1).concat(vectors, -1);
        },
        head.numLabels() + encoder.config().hiddenSize());
  }

  /** Pooled text vectors (inference mode), one row per text, in input order. */
  public float[][] pooledVectors(
      List<TokenIds> texts, long padId, int batchSize, NDManager manager) {
    return forEachBatch(
        texts,
        padId,
        batchSize,
        manager,
        input -> pooled(input, false),
        encoder.config().hiddenSize());
  }

  /**
   * Runs {@code forward} over length-sorted batches (so each pads as little as possible) and
   * returns the rows in input order.
   */
  private static float[][] forEachBatch(
      List<TokenIds> texts,
      long padId,
      int batchSize,
      NDManager manager,
      Function<EncoderInput, NDArray> forward,
      int width) {
    float[][] out = new float[texts.size()][];
    Integer[] order =
        IntStream.range(0, texts.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> texts.get(i).length()))
            .toArray(Integer[]::new);
    try (GradMode noGrad = GradMode.disabled()) {
      for (int start = 0; start < order.length; start += batchSize) {
        int end = Math.min(order.length, start + batchSize);
        List<TokenIds> batch = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
          batch.add(texts.get(order[i]));
        }
        try (NDManager scratch = manager.newSubManager()) {
          EncoderInput input = TokenizedBatch.pad(batch, padId).toInput(scratch);
          float[] flat = forward.apply(input).toFloatArray();
          for (int row = 0; row < end - start; row++) {
            float[] values = new float[width];
            System.arraycopy(flat, row * width, values, 0, width);
            out[order[start + row]] = values;
          }
        }
      }
    }
    return out;
  }
}
