package dev.tuneloop.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW with PyTorch's semantics and per-parameter weight decay (zero for biases and LayerNorms).
 *
 * <p>DJL's built-in AdamW decays every parameter; this class uses the engine's fused Adam kernel
 * per parameter with its own decay and bias correction. The kernel adds epsilon to {@code sqrt(v)}
 * where PyTorch adds it to {@code sqrt(v / (1 - beta2^t))}; passing {@code eps * sqrt(1 - beta2^t)}
 * makes the two identical. The kernel also zeroes the gradient after the update.
 *
 * <p>Moment arrays are created eagerly in the constructor (outside any per-step scope) so a
 * per-step {@code NDScope} never closes them.
 */
final class AdamW implements AutoCloseable {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final List<TrainableParameter> parameters;
  private final float weightDecay;
  private final List<NDArray> means = new ArrayList<>();
  private final List<NDArray> variances = new ArrayList<>();
  private final NDManager stateManager;
  private int updates;

  AdamW(List<TrainableParameter> parameters, double weightDecay, NDManager manager) {
    this.parameters = List.copyOf(parameters);
    this.weightDecay = (float) weightDecay;
    this.stateManager = manager.newSubManager();
    for (TrainableParameter p : parameters) {
      NDArray weight = p.parameter().getArray();
      means.add(stateManager.zeros(weight.getShape(), DataType.FLOAT32));
      variances.add(stateManager.zeros(weight.getShape(), DataType.FLOAT32));
    }
  }

  /** Updates done so far (the {@code t} of bias correction). */
  int updates() {
    return updates;
  }

  /**
   * Applies one update with the current gradients. Call inside a per-step scope: the gradient
   * handles it opens are temporary.
   */
  void step(double learningRate) {
    updates++;
    double correction1 = 1 - Math.pow(BETA1, updates);
    double correction2 = 1 - Math.pow(BETA2, updates);
    float rate = (float) learningRate;
    float correctedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
    float epsilon = (float) (EPSILON * Math.sqrt(correction2));
    for (int i = 0; i < parameters.size(); i++) {
      TrainableParameter p = parameters.get(i);
      NDArray weight = p.parameter().getArray();
      NDArray gradient = weight.getGradient();
      weight
          .getNDArrayInternal()
          .adamUpdate(
              new NDList(weight, gradient, means.get(i), variances.get(i)),
              new NDList(weight),
              rate,
              correctedRate,
              p.decay() ? weightDecay : 0f,
              1f,
              -1f, // no element-wise clamping; clipping is global-norm, done before
              BETA1,
              BETA2,
              epsilon,
              false,
              true);
    }
  }

  /** The moments as host tensors named {@code <param>.exp_avg} / {@code <param>.exp_avg_sq}. */
  List<WeightTensor> exportState() {
    List<WeightTensor> out = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      String name = parameters.get(i).name();
      out.add(WeightTensor.fromNDArray(name + ".exp_avg", means.get(i)));
      out.add(WeightTensor.fromNDArray(name + ".exp_avg_sq", variances.get(i)));
    }
    return out;
  }

  /** Restores moments written by {@link #exportState()} and the update count. */
  void restoreState(Map<String, WeightTensor> state, int updateCount, NDManager scratch) {
    for (int i = 0; i < parameters.size(); i++) {
      String name = parameters.get(i).name();
      WeightTensor mean = state.get(name + ".exp_avg");
      WeightTensor variance = state.get(name + ".exp_avg_sq");
      if (mean == null || variance == null) {
        throw new IllegalStateException("Checkpoint optimizer state lacks moments of " + name);
      }
      BertEncoder.copyInto(means.get(i), mean.toNDArray(scratch, DataType.FLOAT32));
      BertEncoder.copyInto(variances.get(i), variance.toNDArray(scratch, DataType.FLOAT32));
    }
    updates = updateCount;
  }

  @Override
  public void close() {
    stateManager.close();
  }
}
