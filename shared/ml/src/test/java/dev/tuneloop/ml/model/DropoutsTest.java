package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class DropoutsTest {

  @Test
  void dropsAboutTheRateAndScalesTheRestLikePyTorch() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      NDArray ones = manager.ones(new Shape(200, 1000));
      float[] out = Dropouts.apply(ones, 0.1f, true).toFloatArray();
      int zeros = 0;
      double sum = 0;
      for (float v : out) {
        if (v == 0f) {
          zeros++;
        } else {
          assertThat(v).isEqualTo(1f / 0.9f);
        }
        sum += v;
      }
      assertThat(zeros / (double) out.length).isCloseTo(0.1, within(0.005));
      assertThat(sum / out.length).isCloseTo(1.0, within(0.01));
    }
  }

  @Test
  void sameSeedSameMaskAndTheGradientIsTheMask() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.ones(new Shape(64, 32));
      x.setRequiresGradient(true);
      Engine.getInstance().setRandomSeed(11);
      float[] first;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = Dropouts.apply(x, 0.25f, true);
        first = y.toFloatArray();
        collector.backward(y.sum());
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(first);
      Engine.getInstance().setRandomSeed(11);
      assertThat(Dropouts.apply(x, 0.25f, true).toFloatArray()).containsExactly(first);
    }
  }

  @Test
  void isTheIdentityWhenNotTrainingOrRateZero() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(new float[] {1f, 2f, 3f});
      assertThat(Dropouts.apply(x, 0.5f, false)).isSameAs(x);
      assertThat(Dropouts.apply(x, 0f, true)).isSameAs(x);
      assertThat(Dropouts.apply(x, 1f, true).toFloatArray()).containsExactly(0f, 0f, 0f);
    }
  }
}
