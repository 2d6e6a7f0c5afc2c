package dev.tuneloop.ml.train;

import java.util.Locale;

/**
 * Linear warm-up from 0 to the peak rate, then linear or cosine decay to 0 at the last step, with
 * the step numbering of Hugging Face's {@code get_linear_schedule_with_warmup} and {@code
 * get_cosine_schedule_with_warmup}: update {@code k} (counting from 0) uses {@code rate(k)}.
 *
 * @param peak the rate reached at the end of warm-up
 * @param warmupSteps updates spent warming up
 * @param totalSteps all updates of the run
 * @param decay the shape after warm-up
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, Decay decay) {

  /** Decay after warm-up. */
  public enum Decay {
    LINEAR,
    COSINE;

    /** Parses {@code linear} or {@code cosine}. */
    public static Decay parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "schedule must be linear or cosine, was '" + value + "'", e);
      }
    }
  }

  /** Validates the values. */
  public LearningRateSchedule {
    if (peak <= 0 || totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "Invalid schedule: peak "
              + peak
              + ", warm-up "
              + warmupSteps
              + " of "
              + totalSteps
              + " steps");
    }
  }

  /** Builds a schedule whose warm-up is {@code ceil(ratio * totalSteps)} steps. */
  public static LearningRateSchedule of(
      double peak, double warmupRatio, int totalSteps, Decay decay) {
    if (warmupRatio < 0 || warmupRatio > 1) {
      throw new IllegalArgumentException("warm-up ratio must be in [0, 1], was " + warmupRatio);
    }
    return new LearningRateSchedule(
        peak, (int) Math.ceil(warmupRatio * totalSteps), totalSteps, decay);
  }

  /** The rate of update {@code step} (0-based). */
  public double rate(int step) {
    if (step < warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    double factor =
        switch (decay) {
          case LINEAR -> Math.max(0, 1 - progress);
          case COSINE -> Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
        };
    return peak * factor;
  }
}
