package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * BERT's input embeddings: word + absolute position + token type, then LayerNorm and dropout
 * (Hugging Face {@code embeddings.*}).
 */
public final class BertEmbeddings extends NamedBlock {

  private final BertConfig config;
  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter tokenTypeEmbeddings;
  private final LayerNormLayer layerNorm;

  BertEmbeddings(BertConfig config) {
    this.config = config;
    this.wordEmbeddings = newParameter("word_embeddings", Parameter.Type.WEIGHT);
    this.positionEmbeddings = newParameter("position_embeddings", Parameter.Type.WEIGHT);
    this.tokenTypeEmbeddings = newParameter("token_type_embeddings", Parameter.Type.WEIGHT);
    this.layerNorm =
        addChildBlock("LayerNorm", new LayerNormLayer(config.hiddenSize(), config.layerNormEps()));
  }

  /**
   * Embeds a batch.
   *
   * @param inputIds int64 [batch, sequence]
   * @param tokenTypeIds int64 [batch, sequence]
   */
  public NDArray apply(NDArray inputIds, NDArray tokenTypeIds, boolean training) {
    long length = inputIds.getShape().get(1);
    if (length > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "Sequence of "
              + length
              + " tokens exceeds max_position_embeddings "
              + config.maxPositionEmbeddings());
    }
    NDArray positions = inputIds.getManager().arange(0, (int) length, 1, DataType.INT64);
    NDArray words =
        Embedding.embedding(inputIds, wordEmbeddings.getArray(), SparseFormat.DENSE).head();
    NDArray types =
        Embedding.embedding(tokenTypeIds, tokenTypeEmbeddings.getArray(), SparseFormat.DENSE)
            .head();
    NDArray position =
        Embedding.embedding(positions, positionEmbeddings.getArray(), SparseFormat.DENSE).head();
    NDArray sum = words.addi(types).addi(position);
    NDArray normalized = layerNorm.apply(sum);
    return dropout(normalized, (float) config.hiddenDropoutProb(), training);
  }

  static NDArray dropout(NDArray x, float rate, boolean training) {
    return Dropouts.apply(x, rate, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.get(0), inputs.get(1), training));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    int hidden = config.hiddenSize();
    out.put(
        join(prefix, "word_embeddings.weight"),
        new ModelParameter(wordEmbeddings, new Shape(config.vocabSize(), hidden)));
    out.put(
        join(prefix, "position_embeddings.weight"),
        new ModelParameter(positionEmbeddings, new Shape(config.maxPositionEmbeddings(), hidden)));
    out.put(
        join(prefix, "token_type_embeddings.weight"),
        new ModelParameter(tokenTypeEmbeddings, new Shape(config.typeVocabSize(), hidden)));
    layerNorm.collectParameters(join(prefix, "LayerNorm"), out);
  }
}
