package dev.tuneloop.evaluator.domain;

import java.util.List;

/**
 * The candidate, loaded exactly as serving loads it (LoRA merged), answered a prediction.
 *
 * @param passed whether it answered a valid distribution over its labels
 * @param detail what it answered, or what was wrong
 */
public record SmokeTest(boolean passed, String detail) {

  /** Asks {@code model} about {@code text} and checks the answer. */
  public static SmokeTest run(Classifier model, String text) {
    try {
      float[][] rows = model.probabilities(List.of(text));
      List<String> labels = model.labels();
      if (rows.length != 1 || rows[0].length != labels.size()) {
        return new SmokeTest(
            false, "expected one row of " + labels.size() + " probabilities, got " + rows.length);
      }
      double sum = 0;
      for (float p : rows[0]) {
        if (!Float.isFinite(p) || p < 0) {
          return new SmokeTest(false, "probability " + p + " is not a finite non-negative number");
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > 1e-3) {
        return new SmokeTest(false, "probabilities sum to " + sum + ", not 1");
      }
      int best = dev.tuneloop.ml.metrics.ClassificationMetrics.argMax(rows[0]);
      return new SmokeTest(
          true,
          String.format(
              java.util.Locale.ROOT,
              "answered '%s' (%.3f) for \"%s\"",
              labels.get(best),
              rows[0][best],
              text.length() > 60 ? text.substring(0, 60) + "..." : text));
    } catch (RuntimeException e) {
      return new SmokeTest(false, "prediction failed: " + e);
    }
  }
}
