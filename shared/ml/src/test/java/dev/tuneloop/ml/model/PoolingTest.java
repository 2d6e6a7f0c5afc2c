package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PoolingTest {

  @Test
  void meanIgnoresPaddingAndClsTakesTheFirstToken() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // Two texts of three positions, two features; the second text has one padding position.
      NDArray hidden =
          manager.create(
              new float[] {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999}, new Shape(2, 3, 2));
      NDArray mask = manager.create(new long[] {1, 1, 1, 1, 1, 0}, new Shape(2, 3));

      assertThat(Pooling.MEAN.apply(hidden, mask).toFloatArray()).containsExactly(3, 4, 20, 30);
      assertThat(Pooling.CLS.apply(hidden, mask).toFloatArray()).containsExactly(1, 2, 10, 20);
    }
  }

  @Test
  void parsesNamesCaseInsensitively() {
    assertThat(Pooling.parse("CLS")).isEqualTo(Pooling.CLS);
    assertThat(Pooling.parse(" mean ")).isEqualTo(Pooling.MEAN);
    assertThatThrownBy(() -> Pooling.parse("max")).hasMessageContaining("'mean' or 'cls'");
  }
}
