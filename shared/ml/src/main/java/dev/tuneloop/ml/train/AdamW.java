package dev.tuneloop.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * AdamW with PyTorch's semantics and per-parameter weight decay (zero for biases and LayerNorms),
 * fused with global-norm gradient clipping.
 *
 * <p>DJL's built-in AdamW decays every parameter and its fused {@code adamUpdate} kernel makes
 * about fifteen passes (seven into new tensors) per parameter. This class runs libtorch's own
 * {@code _fused_adamw_} (what {@code torch.optim.AdamW(fused=True)} calls: one pass over weight,
 * gradient and both moments per tensor) through {@link OptimizerKernel}, with the clipping
 * coefficient of {@code torch.nn.utils.clip_grad_norm_} applied as a gradient scale inside the same
 * pass. Gradients are zeroed after every update.
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
  private final PtSymbolBlock kernel;
  // Parameter indices of the decayed and of the non-decayed group.
  private final int[] decayed;
  private final int[] notDecayed;
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
    decayed =
        IntStream.range(0, parameters.size()).filter(i -> parameters.get(i).decay()).toArray();
    notDecayed =
        IntStream.range(0, parameters.size()).filter(i -> !parameters.get(i).decay()).toArray();
    kernel = OptimizerKernel.load(stateManager);
  }

  /** Updates done so far (the {@code t} of bias correction). */
  int updates() {
    return updates;
  }

  /** One update without clipping; see {@link #step(double, double)}. */
  void step(double learningRate) {
    step(learningRate, 0);
  }

  /**
   * Clips the gradients to a global L2 norm of {@code maxGradNorm} (as {@code
   * torch.nn.utils.clip_grad_norm_}: scaled by {@code max / (norm + 1e-6)} when the norm exceeds
   * the maximum), applies one AdamW update and zeroes the gradients. If the norm is NaN or infinite
   * nothing is updated (the update count stays) and the norm is returned for the caller to report.
   * Call inside a per-step scope: the gradient handles it opens are temporary.
   *
   * @param maxGradNorm 0 or less: no clipping
   * @return the global gradient norm before clipping
   */
  double step(double learningRate, double maxGradNorm) {
    int t = updates + 1;
    List<IValue> arguments = new ArrayList<>(16);
    List<NDArray> gradientHandles = new ArrayList<>(parameters.size());
    try (NDManager scratch = stateManager.newSubManager()) {
      // The fused kernel reads the step count from a float tensor per parameter.
      PtNDArray stepCount = (PtNDArray) scratch.create(new float[] {t});
      addGroup(arguments, decayed, stepCount, gradientHandles);
      addGroup(arguments, notDecayed, stepCount, gradientHandles);
      arguments.add(IValue.from(learningRate));
      arguments.add(IValue.from((double) BETA1));
      arguments.add(IValue.from((double) BETA2));
      arguments.add(IValue.from((double) EPSILON));
      arguments.add(IValue.from((double) weightDecay));
      arguments.add(IValue.from(maxGradNorm));
      double norm;
      try (IValue result =
          IValueUtils.runMethod(kernel, OptimizerKernel.METHOD, arguments.toArray(IValue[]::new))) {
        norm = result.toDouble();
      }
      if (Double.isFinite(norm)) {
        updates = t;
      }
      return norm;
    } finally {
      arguments.forEach(IValue::close);
      gradientHandles.forEach(NDArray::close);
    }
  }

  /** Appends params, grads, exp_avgs, exp_avg_sqs and steps of one group as tensor lists. */
  private void addGroup(
      List<IValue> arguments, int[] indices, PtNDArray stepCount, List<NDArray> handles) {
    PtNDArray[] weights = new PtNDArray[indices.length];
    PtNDArray[] gradients = new PtNDArray[indices.length];
    PtNDArray[] groupMeans = new PtNDArray[indices.length];
    PtNDArray[] groupVariances = new PtNDArray[indices.length];
    PtNDArray[] steps = new PtNDArray[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      NDArray weight = parameters.get(i).parameter().getArray();
      weights[k] = (PtNDArray) weight;
      gradients[k] = (PtNDArray) weight.getGradient();
      handles.add(gradients[k]);
      groupMeans[k] = (PtNDArray) means.get(i);
      groupVariances[k] = (PtNDArray) variances.get(i);
      steps[k] = stepCount;
    }
    arguments.add(IValue.listFrom(weights));
    arguments.add(IValue.listFrom(gradients));
    arguments.add(IValue.listFrom(groupMeans));
    arguments.add(IValue.listFrom(groupVariances));
    arguments.add(IValue.listFrom(steps));
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
    kernel.close();
    stateManager.close();
  }
}
