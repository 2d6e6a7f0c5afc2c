package dev.tuneloop.ml.train;

/** Thrown by a run that stopped because cancellation was requested. */
public final class TrainingCancelledException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int step;

  /** A cancellation at optimizer update {@code step}. */
  public TrainingCancelledException(int step) {
    super("Training cancelled at step " + step);
    this.step = step;
  }

  /** Updates done before the run stopped. */
  public int step() {
    return step;
  }
}
