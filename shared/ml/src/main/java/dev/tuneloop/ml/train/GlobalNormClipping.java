package dev.tuneloop.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * Clips gradients by their global L2 norm, as {@code torch.nn.utils.clip_grad_norm_} does: if the
 * norm over all gradients together exceeds the threshold, every gradient is scaled by {@code max /
 * (norm + 1e-6)}. (DJL's {@code optClipGrad} instead clamps each element from above only.)
 *
 * <p>Training does not call this: {@link AdamW#step(double, double)} applies the same coefficient
 * inside the fused update, without a separate pass over the gradients. This plain-DJL version is
 * the reference that path is tested against.
 */
final class GlobalNormClipping {

  private GlobalNormClipping() {}

  /**
   * Clips in place.
   *
   * @param gradients the gradients (modified in place); call inside a scope, temporaries are made
   * @param maxNorm the threshold; 0 or less only measures
   * @return the global norm before clipping
   */
  static double clip(List<NDArray> gradients, double maxNorm) {
    NDList squares = new NDList(gradients.size());
    for (NDArray gradient : gradients) {
      squares.add(gradient.square().sum());
    }
    double norm = Math.sqrt(NDArrays.stack(squares).sum().getFloat());
    if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
      float coefficient = (float) (maxNorm / (norm + 1e-6));
      for (NDArray gradient : gradients) {
        gradient.muli(coefficient);
      }
    }
    return norm;
  }
}
