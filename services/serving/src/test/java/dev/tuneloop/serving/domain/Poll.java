package dev.tuneloop.serving.domain;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition in tests. */
final class Poll {

  private Poll() {}

  static void until(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
