package dev.tuneloop.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalNormClippingTest {

  @Test
  void scalesAllGradientsTogetherWhenTheGlobalNormIsTooLarge() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {3f});
      NDArray b = manager.create(new float[] {-4f, 0f});
      double norm = GlobalNormClipping.clip(List.of(a, b), 1.0);
      assertThat(norm).isCloseTo(5.0, within(1e-6));
      // Direction kept: 3/5 and -4/5 (an element-wise clamp would give 1 and -4).
      assertThat(a.toFloatArray()[0]).isCloseTo(0.6f, within(1e-5f));
      assertThat(b.toFloatArray()[0]).isCloseTo(-0.8f, within(1e-5f));
    }
  }

  @Test
  void leavesSmallGradientsAlone() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {0.3f, 0.4f});
      assertThat(GlobalNormClipping.clip(List.of(a), 1.0)).isCloseTo(0.5, within(1e-6));
      assertThat(a.toFloatArray()).containsExactly(0.3f, 0.4f);
    }
  }
}
