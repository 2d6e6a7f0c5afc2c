package dev.tuneloop.ml.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scalar constants as long-lived 0-d arrays, for arithmetic on tensors that take part in autograd.
 *
 * <p>Why: DJL's {@code x.mul(2f)} (likewise {@code div}, {@code pow}, ... with a {@code Number})
 * wraps the scalar in a tensor backed by a Java direct buffer and closes it as soon as the op
 * returns, which lets the buffer be garbage-collected. libtorch's autograd keeps that scalar tensor
 * for the backward pass ({@code d(x*c)/dx = c}), so backward may read freed memory: seen here as
 * sporadic NaN or infinite gradients and once as a crash in {@code torchBackward}. Multiplying by
 * an array from this class is safe: the arrays live as long as the JVM (a few bytes each).
 */
public final class Scalars {

  private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();
  private static final Map<Key, NDArray> VALUES = new ConcurrentHashMap<>();

  private record Key(Device device, float value) {}

  private Scalars() {}

  /** A float32 0-d array holding {@code value} on the device of {@code like}. */
  public static NDArray of(float value, NDArray like) {
    Device device = like.getDevice();
    return VALUES.computeIfAbsent(
        new Key(device, value),
        key -> {
          NDManager manager = MANAGERS.computeIfAbsent(device, NDManager::newBaseManager);
          NDArray scalar = manager.create(value);
          // Created inside a caller's NDScope it would be closed with that scope.
          NDScope.unregister(scalar);
          return scalar;
        });
  }
}
