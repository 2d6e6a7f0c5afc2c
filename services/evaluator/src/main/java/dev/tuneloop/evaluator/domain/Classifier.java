package dev.tuneloop.evaluator.domain;

import java.util.List;

/** A loaded model as the evaluator needs it: its labels and a distribution per text. */
public interface Classifier extends AutoCloseable {

  /** Label names in output order. */
  List<String> labels();

  /** One probability row per text, in {@link #labels()} order. */
  float[][] probabilities(List<String> texts);

  /** Frees the model's native memory. */
  @Override
  void close();
}
