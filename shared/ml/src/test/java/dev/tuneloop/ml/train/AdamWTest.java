package dev.tuneloop.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

  /**
   * Two AdamW updates worked out with PyTorch's formulas: w = 1, constant gradient 0.5, lr 0.1,
   * weight decay 0.01. Update 1: w *= 1 - 0.001 -> 0.999; m = 0.05, v = 0.00025; m^ = 0.5, v^ =
   * 0.25; w -= 0.1 * 0.5 / (0.5 + 1e-8) -> 0.899. Update 2: w *= 0.999 -> 0.898101; m = 0.095, v =
   * 0.00049975; m^ = 0.5, v^ = 0.25 -> w = 0.798101. The bias has no decay: 1 -> 0.9 -> 0.8.
   */
  @Test
  void matchesPyTorchAdamWAndSkipsDecayForNoDecayParameters() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter("dense.weight", manager.create(new float[] {1f}));
      Parameter bias = parameter("dense.bias", manager.create(new float[] {1f}));
      List<TrainableParameter> params =
          List.of(
              new TrainableParameter(
                  "dense.weight", weight, TrainableParameter.decays("dense.weight")),
              new TrainableParameter("dense.bias", bias, TrainableParameter.decays("dense.bias")));
      try (AdamW optimizer = new AdamW(params, 0.01, manager)) {
        for (int update = 0; update < 2; update++) {
          try (NDScope scope = new NDScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray loss = weight.getArray().mul(0.5f).add(bias.getArray().mul(0.5f)).sum();
              collector.backward(loss);
            }
            optimizer.step(0.1);
          }
        }
        assertThat(weight.getArray().getFloat()).isCloseTo(0.798101f, within(1e-6f));
        assertThat(bias.getArray().getFloat()).isCloseTo(0.8f, within(1e-6f));
        assertThat(optimizer.updates()).isEqualTo(2);
      }
    }
  }

  /**
   * Clipping fused into the update equals {@code clip_grad_norm_(1.0)} followed by {@code
   * torch.optim.AdamW} (lr 0.1, weight decay 0.01 on the weight only), values from PyTorch 2.7.1:
   * gradients (3, 4) have norm 5 and are scaled to (0.6, 0.8); the next ones, (0.3, 0.4), are left
   * alone. Unclipped, the weight would end at 0.82402 instead of 0.8048831.
   */
  @Test
  void clipsByGlobalNormInsideTheUpdateAsPyTorchDoes() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter("dense.weight", manager.create(new float[] {1f}));
      Parameter bias = parameter("dense.bias", manager.create(new float[] {1f}));
      List<TrainableParameter> params =
          List.of(
              new TrainableParameter("dense.weight", weight, true),
              new TrainableParameter("dense.bias", bias, false));
      try (AdamW optimizer = new AdamW(params, 0.01, manager)) {
        double[] norms = new double[2];
        float[] scales = {1f, 0.1f};
        for (int update = 0; update < 2; update++) {
          try (NDScope scope = new NDScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray loss =
                  weight
                      .getArray()
                      .mul(3f * scales[update])
                      .add(bias.getArray().mul(4f * scales[update]))
                      .sum();
              collector.backward(loss);
            }
            norms[update] = optimizer.step(0.1, 1.0);
          }
        }
        assertThat(norms[0]).isCloseTo(5.0, within(1e-5));
        assertThat(norms[1]).isCloseTo(0.5, within(1e-6));
        assertThat(weight.getArray().getFloat()).isCloseTo(0.8048831f, within(1e-6f));
        assertThat(bias.getArray().getFloat()).isCloseTo(0.8067820f, within(1e-6f));
        assertThat(weight.getArray().getGradient().getFloat()).isZero();
      }
    }
  }

  /**
   * The fused path (clipping inside the update, several tensors of both decay groups) equals
   * clipping with {@link GlobalNormClipping} first and then an unclipped update.
   */
  @Test
  void fusedClippingEqualsClippingFirstOnManyTensors() {
    Shape[] shapes = {new Shape(3, 4), new Shape(4), new Shape(2, 2, 3), new Shape(5)};
    boolean[] decays = {true, false, true, false};
    Random random = new Random(7);
    try (NDManager manager = NDManager.newBaseManager()) {
      List<Parameter> fused = new ArrayList<>();
      List<Parameter> reference = new ArrayList<>();
      List<TrainableParameter> fusedParams = new ArrayList<>();
      List<TrainableParameter> referenceParams = new ArrayList<>();
      for (int i = 0; i < shapes.length; i++) {
        float[] init = values(random, shapes[i].size(), 1f);
        fused.add(parameter("p" + i, manager.create(init, shapes[i])));
        reference.add(parameter("p" + i, manager.create(init, shapes[i])));
        fusedParams.add(new TrainableParameter("p" + i, fused.get(i), decays[i]));
        referenceParams.add(new TrainableParameter("p" + i, reference.get(i), decays[i]));
      }
      try (AdamW a = new AdamW(fusedParams, 0.01, manager);
          AdamW b = new AdamW(referenceParams, 0.01, manager)) {
        for (int update = 0; update < 3; update++) {
          // norms of about 10, 0.3 and 3: clipped, not clipped, clipped
          float scale = new float[] {2f, 0.06f, 0.6f}[update];
          try (NDScope scope = new NDScope()) {
            List<NDArray> directions = new ArrayList<>();
            for (Shape shape : shapes) {
              directions.add(manager.create(values(random, shape.size(), scale), shape));
            }
            backward(fused, directions);
            backward(reference, directions);
            double fusedNorm = a.step(0.05, 1.0);
            List<NDArray> gradients = new ArrayList<>();
            reference.forEach(p -> gradients.add(p.getArray().getGradient()));
            double referenceNorm = GlobalNormClipping.clip(gradients, 1.0);
            b.step(0.05);
            assertThat(fusedNorm).isCloseTo(referenceNorm, within(1e-5 * referenceNorm));
          }
        }
        for (int i = 0; i < shapes.length; i++) {
          float[] expected = reference.get(i).getArray().toFloatArray();
          float[] actual = fused.get(i).getArray().toFloatArray();
          for (int j = 0; j < expected.length; j++) {
            assertThat(actual[j]).isCloseTo(expected[j], within(1e-6f));
          }
        }
      }
    }
  }

  private static void backward(List<Parameter> parameters, List<NDArray> directions) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < parameters.size(); i++) {
        NDArray term = parameters.get(i).getArray().mul(directions.get(i)).sum();
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
  }

  private static float[] values(Random random, long count, float scale) {
    float[] out = new float[Math.toIntExact(count)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian() * scale;
    }
    return out;
  }

  @Test
  void aNonFiniteGradientNormUpdatesNothing() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Parameter weight = parameter("dense.weight", manager.create(new float[] {1f, 2f}));
      List<TrainableParameter> params =
          List.of(new TrainableParameter("dense.weight", weight, true));
      try (AdamW optimizer = new AdamW(params, 0.01, manager);
          NDScope scope = new NDScope()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(
              weight.getArray().mul(manager.create(new float[] {1f, Float.NaN})).sum());
        }
        assertThat(optimizer.step(0.1, 1.0)).isNaN();
        assertThat(weight.getArray().toFloatArray()).containsExactly(1f, 2f);
        assertThat(optimizer.updates()).isZero();
      }
    }
  }

  @Test
  void layerNormAndBiasesAreExemptFromDecay() {
    assertThat(TrainableParameter.decays("encoder.layer.0.attention.self.query.weight")).isTrue();
    assertThat(TrainableParameter.decays("encoder.layer.0.attention.self.query.lora_A.weight"))
        .isTrue();
    assertThat(TrainableParameter.decays("encoder.layer.0.output.LayerNorm.weight")).isFalse();
    assertThat(TrainableParameter.decays("embeddings.LayerNorm.bias")).isFalse();
    assertThat(TrainableParameter.decays("classifier.bias")).isFalse();
  }

  private static Parameter parameter(String name, NDArray array) {
    Parameter parameter = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    parameter.setArray(array);
    array.setRequiresGradient(true);
    return parameter;
  }
}
