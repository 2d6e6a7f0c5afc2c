package dev.tuneloop.ml.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches libtorch's autograd recording for the current native thread and restores the previous
 * mode on close. Inference and weight edits run with recording off: otherwise every op on a
 * parameter that requires gradients builds a graph (memory) and in-place edits of such parameters
 * fail. libtorch keeps the mode per thread, so open and close on the same thread.
 */
public final class GradMode implements AutoCloseable {

  private final boolean previous;

  private GradMode(boolean enabled) {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(enabled);
  }

  /** Turns recording off until {@link #close()}. */
  public static GradMode disabled() {
    return new GradMode(false);
  }

  /** Turns recording on until {@link #close()}. */
  public static GradMode enabled() {
    return new GradMode(true);
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
