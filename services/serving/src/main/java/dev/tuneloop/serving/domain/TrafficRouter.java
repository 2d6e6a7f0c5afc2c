package dev.tuneloop.serving.domain;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState.Mode;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decides which arm answers a request. A request with a key lands in a fixed bucket in [0, 1)
 * derived from the model name and the key, so the same key always gets the same arm while the
 * weight is unchanged, and raising the challenger's weight only moves keys towards the challenger
 * (never back and forth). A request without a key gets a random bucket.
 */
public final class TrafficRouter {

  /**
   * Where a request goes.
   *
   * @param answer the arm whose answer is returned
   * @param mirror whether the challenger also gets a copy (shadow mode)
   */
  public record Route(Arm answer, boolean mirror) {}

  private final DoubleSupplier random;

  /**
   * @param random the bucket of requests without a key, uniform in [0, 1)
   */
  public TrafficRouter(DoubleSupplier random) {
    this.random = random;
  }

  /**
   * Routes a request.
   *
   * @param deployment what is deployed; at least one arm must be loaded
   * @param key the caller's sticky key, or null
   */
  public Route route(Deployment deployment, @Nullable String key) {
    if (deployment.champion() == null) {
      if (deployment.challenger() == null) {
        throw new IllegalStateException(deployment.modelName() + " has no model loaded");
      }
      return new Route(Arm.CHALLENGER, false);
    }
    if (deployment.challenger() == null || deployment.challengerWeight() <= 0) {
      return new Route(Arm.CHAMPION, false);
    }
    double bucket = key == null ? random.getAsDouble() : bucket(deployment.modelName(), key);
    boolean hit = bucket < deployment.challengerWeight();
    if (deployment.mode() == Mode.SHADOW) {
      return new Route(Arm.CHAMPION, hit);
    }
    return new Route(hit ? Arm.CHALLENGER : Arm.CHAMPION, false);
  }

  /** The fixed bucket of a key, uniform in [0, 1): FNV-1a over the bytes, then a 64-bit mix. */
  public static double bucket(String modelName, String key) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : (modelName + '\u0000' + key).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    // splitmix64 finalizer: FNV's low bits alone are not uniform enough for short keys
    hash ^= hash >>> 30;
    hash *= 0xbf58476d1ce4e5b9L;
    hash ^= hash >>> 27;
    hash *= 0x94d049bb133111ebL;
    hash ^= hash >>> 31;
    return (hash >>> 11) * 0x1.0p-53;
  }
}
