package dev.tuneloop.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
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
