package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One post-LayerNorm transformer layer exactly as Hugging Face's {@code BertLayer}: self-attention
 * with output projection, residual and LayerNorm; feed-forward (intermediate + activation +
 * output), residual and LayerNorm.
 */
public final class BertLayer extends NamedBlock {

  private static final float GELU_TANH_COEFF = (float) Math.sqrt(2 / Math.PI);

  private final BertConfig config;
  private final DenseLayer query;
  private final DenseLayer key;
  private final DenseLayer value;
  private final DenseLayer attentionOutput;
  private final LayerNormLayer attentionNorm;
  private final DenseLayer intermediate;
  private final DenseLayer output;
  private final LayerNormLayer outputNorm;
  private final float attentionScale;

  BertLayer(BertConfig config) {
    this.config = config;
    int hidden = config.hiddenSize();
    this.query = addChildBlock("query", new DenseLayer(hidden, hidden));
    this.key = addChildBlock("key", new DenseLayer(hidden, hidden));
    this.value = addChildBlock("value", new DenseLayer(hidden, hidden));
    this.attentionOutput = addChildBlock("attention_output", new DenseLayer(hidden, hidden));
    this.attentionNorm =
        addChildBlock("attention_norm", new LayerNormLayer(hidden, config.layerNormEps()));
    this.intermediate =
        addChildBlock("intermediate", new DenseLayer(hidden, config.intermediateSize()));
    this.output = addChildBlock("output", new DenseLayer(config.intermediateSize(), hidden));
    this.outputNorm =
        addChildBlock("output_norm", new LayerNormLayer(hidden, config.layerNormEps()));
    this.attentionScale = (float) (1 / Math.sqrt(config.headSize()));
  }

  /**
   * Applies the layer.
   *
   * @param hidden [batch, sequence, hidden]
   * @param maskBias additive attention mask [batch, 1, 1, sequence]: 0 for real tokens, a large
   *     negative number for padding; null if there is no padding
   */
  public NDArray apply(NDArray hidden, NDArray maskBias, boolean training) {
    long batch = hidden.getShape().get(0);
    long length = hidden.getShape().get(1);
    int heads = config.numAttentionHeads();
    int headSize = config.headSize();

    // [B, T, H] -> [B, heads, T, headSize]; the query is pre-scaled by 1/sqrt(headSize), which is
    // cheaper than scaling the [B, heads, T, T] scores and equal up to float rounding.
    NDArray q =
        query
            .apply(hidden, training)
            .reshape(batch, length, heads, headSize)
            .transpose(0, 2, 1, 3)
            .mul(Scalars.of(attentionScale, hidden));
    NDArray k =
        key.apply(hidden, training).reshape(batch, length, heads, headSize).transpose(0, 2, 3, 1);
    NDArray v =
        value.apply(hidden, training).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
    NDArray scores = q.matMul(k);
    if (maskBias != null) {
      scores.addi(maskBias);
    }
    NDArray probabilities =
        BertEmbeddings.dropout(
            scores.softmax(-1), (float) config.attentionProbsDropoutProb(), training);
    NDArray context =
        probabilities
            .matMul(v)
            .transpose(0, 2, 1, 3)
            .reshape(batch, length, (long) heads * headSize);

    NDArray attended = attentionOutput.apply(context, training);
    attended = BertEmbeddings.dropout(attended, (float) config.hiddenDropoutProb(), training);
    NDArray afterAttention = attentionNorm.apply(attended.addi(hidden));

    NDArray expanded = activate(intermediate.apply(afterAttention, training));
    NDArray projected = output.apply(expanded, training);
    projected = BertEmbeddings.dropout(projected, (float) config.hiddenDropoutProb(), training);
    return outputNorm.apply(projected.addi(afterAttention));
  }

  private NDArray activate(NDArray x) {
    return switch (config.hiddenAct()) {
      case "gelu" -> Activation.gelu(x);
      case "relu" -> Activation.relu(x);
      case "gelu_new" -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        // tanh's backward needs its output, so the ops after it must not be in place. Scalars
        // are long-lived arrays: see Scalars for why DJL's Number overloads are not used here.
        NDArray cube = x.mul(x).mul(x);
        NDArray inner =
            cube.mul(Scalars.of(0.044715f, x)).add(x).mul(Scalars.of(GELU_TANH_COEFF, x)).tanh();
        yield inner.add(Scalars.of(1f, x)).mul(x).mul(Scalars.of(0.5f, x));
      }
      default -> throw new IllegalStateException("Unsupported activation " + config.hiddenAct());
    };
  }

  /** The layer's Linear modules by their Hugging Face module path (relative to the layer). */
  public Map<String, DenseLayer> denseLayers() {
    Map<String, DenseLayer> layers = new LinkedHashMap<>();
    layers.put("attention.self.query", query);
    layers.put("attention.self.key", key);
    layers.put("attention.self.value", value);
    layers.put("attention.output.dense", attentionOutput);
    layers.put("intermediate.dense", intermediate);
    layers.put("output.dense", output);
    return layers;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.get(0), inputs.get(1), training));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    denseLayers().forEach((path, layer) -> layer.collectParameters(join(prefix, path), out));
    attentionNorm.collectParameters(join(prefix, "attention.output.LayerNorm"), out);
    outputNorm.collectParameters(join(prefix, "output.LayerNorm"), out);
  }
}
