package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * A Linear layer {@code y = x W^T + b} with Hugging Face names ({@code weight} [out, in], {@code
 * bias} [out]) and an optional LoRA adapter: {@code y += (alpha / r) * dropout(x) A^T B^T}, with A
 * [r, in] and B [out, r].
 */
public final class DenseLayer extends NamedBlock {

  private final int inFeatures;
  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;
  private Parameter loraA;
  private Parameter loraB;
  private float loraScale;
  private float loraDropout;

  /** A layer mapping {@code inFeatures} to {@code outFeatures}. */
  public DenseLayer(int inFeatures, int outFeatures) {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = newParameter("weight", Parameter.Type.WEIGHT);
    this.bias = newParameter("bias", Parameter.Type.BIAS);
  }

  /** Input width. */
  public int inFeatures() {
    return inFeatures;
  }

  /** Output width. */
  public int outFeatures() {
    return outFeatures;
  }

  /** The weight parameter ([out, in]). */
  public Parameter weight() {
    return weight;
  }

  /** The bias parameter ([out]). */
  public Parameter bias() {
    return bias;
  }

  /** Whether a LoRA adapter is attached (and not merged). */
  public boolean hasLora() {
    return loraA != null;
  }

  /** The LoRA A parameter ([r, in]); only when {@link #hasLora()}. */
  public Parameter loraA() {
    return loraA;
  }

  /** The LoRA B parameter ([out, r]); only when {@link #hasLora()}. */
  public Parameter loraB() {
    return loraB;
  }

  /** The LoRA scale {@code alpha / r}. */
  public float loraScale() {
    return loraScale;
  }

  /**
   * Attaches a LoRA adapter whose arrays the caller provides.
   *
   * @param a [r, in]
   * @param b [out, r]
   * @param scale alpha / r
   * @param dropout dropout on the adapter's input while training
   */
  public void attachLora(NDArray a, NDArray b, float scale, float dropout) {
    if (loraA != null) {
      throw new IllegalStateException("A LoRA adapter is already attached");
    }
    long r = a.getShape().get(0);
    if (a.getShape().dimension() != 2
        || a.getShape().get(1) != inFeatures
        || b.getShape().dimension() != 2
        || b.getShape().get(0) != outFeatures
        || b.getShape().get(1) != r) {
      throw new IllegalArgumentException(
          "LoRA shapes A"
              + a.getShape()
              + " B"
              + b.getShape()
              + " do not fit a "
              + inFeatures
              + "->"
              + outFeatures
              + " layer");
    }
    loraA = Parameter.builder().setName("lora_A").setType(Parameter.Type.WEIGHT).build();
    loraB = Parameter.builder().setName("lora_B").setType(Parameter.Type.WEIGHT).build();
    loraA.setArray(a);
    loraB.setArray(b);
    loraScale = scale;
    loraDropout = dropout;
  }

  /**
   * Folds the adapter into the weight ({@code W += scale * B A}) and detaches it, so inference
   * costs the same as without LoRA. The adapter arrays are closed.
   */
  public void mergeLora() {
    if (loraA == null) {
      throw new IllegalStateException("No LoRA adapter to merge");
    }
    NDArray w = weight.getArray();
    try (GradMode noGrad = GradMode.disabled();
        NDManager scratch = w.getManager().newSubManager()) {
      NDArray delta = loraB.getArray().matMul(loraA.getArray());
      delta.attach(scratch);
      NDArray scaled = delta.mul(loraScale);
      scaled.attach(scratch);
      w.addi(scaled);
    }
    loraA.close();
    loraB.close();
    loraA = null;
    loraB = null;
  }

  /**
   * Applies the layer to {@code [..., in]}; LoRA dropout is active only when {@code training}.
   *
   * <p>Inputs with more than two axes are viewed as one {@code [rows, in]} matrix: libtorch then
   * adds the bias inside the matrix product ({@code addmm}) instead of in a separate pass over the
   * output, as PyTorch's {@code nn.Linear} does (DJL calls the C++ frontend's {@code linear}, which
   * fuses only 2-D inputs).
   */
  public NDArray apply(NDArray x, boolean training) {
    Shape shape = x.getShape();
    if (shape.dimension() <= 2) {
      return apply2d(x, training);
    }
    NDArray rows = apply2d(x.reshape(-1, inFeatures), training);
    return rows.reshape(shape.slice(0, shape.dimension() - 1).add(outFeatures));
  }

  private NDArray apply2d(NDArray x, boolean training) {
    NDArray y = Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
    if (loraA == null) {
      return y;
    }
    NDArray input = Dropouts.apply(x, loraDropout, training);
    NDArray down = Linear.linear(input, loraA.getArray()).singletonOrThrow();
    NDArray up = Linear.linear(down, loraB.getArray()).singletonOrThrow();
    // A long-lived scalar: autograd keeps it for backward (see Scalars).
    return y.add(up.mul(Scalars.of(loraScale, up)));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.head(), training));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    out.put(join(prefix, "weight"), new ModelParameter(weight, new Shape(outFeatures, inFeatures)));
    out.put(join(prefix, "bias"), new ModelParameter(bias, new Shape(outFeatures)));
  }
}
