package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarsTest {

  /**
   * Backward must see the scalar a forward pass multiplied by, even when garbage collection and
   * fresh native allocations happen in between (DJL's {@code mul(Number)} frees it too early).
   */
  @Test
  void scalarSurvivesUntilBackwardUnderMemoryPressure() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.ones(new Shape(4096));
      x.setRequiresGradient(true);
      for (int round = 0; round < 20; round++) {
        try (NDScope scope = new NDScope();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray y = x.mul(Scalars.of(3f, x)).sum();
          churnNativeMemory();
          collector.backward(y);
          float[] gradient = x.getGradient().toFloatArray();
          for (float g : gradient) {
            assertThat(g).isEqualTo(3f);
          }
        }
        try (NDScope scope = new NDScope()) {
          x.getGradient().subi(x.getGradient());
        }
      }
    }
  }

  @Test
  void sameValueAndDeviceGiveTheSameArray() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray like = manager.zeros(new Shape(1));
      assertThat(Scalars.of(0.5f, like)).isSameAs(Scalars.of(0.5f, like));
      assertThat(Scalars.of(0.5f, like).getFloat()).isEqualTo(0.5f);
    }
  }

  private static void churnNativeMemory() {
    System.gc();
    List<ByteBuffer> buffers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(4);
      buffer.putFloat(0, Float.NaN);
      buffers.add(buffer);
    }
    assertThat(buffers).hasSize(64);
  }
}
