package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/** LayerNorm over the last axis, with Hugging Face names {@code weight} and {@code bias}. */
public final class LayerNormLayer extends NamedBlock {

  private final Shape normalizedShape;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  /** A LayerNorm over {@code size} features. */
  public LayerNormLayer(int size, double eps) {
    this.normalizedShape = new Shape(size);
    this.eps = (float) eps;
    this.weight = newParameter("weight", Parameter.Type.GAMMA);
    this.bias = newParameter("bias", Parameter.Type.BETA);
  }

  /** Normalizes {@code x} over its last axis. */
  public NDArray apply(NDArray x) {
    return LayerNorm.layerNorm(x, normalizedShape, weight.getArray(), bias.getArray(), eps)
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.head()));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    out.put(join(prefix, "weight"), new ModelParameter(weight, normalizedShape));
    out.put(join(prefix, "bias"), new ModelParameter(bias, normalizedShape));
  }
}
