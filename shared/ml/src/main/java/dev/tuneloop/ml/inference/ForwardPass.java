package dev.tuneloop.ml.inference;

import dev.tuneloop.ml.tokenize.TokenIds;
import java.util.List;

/** The engine behind a {@link TextClassifier}: tokenized texts in, rows out, in input order. */
interface ForwardPass extends AutoCloseable {

  /** Label distributions, one row per text. */
  float[][] probabilities(List<TokenIds> texts);

  /** Per text: the label distribution followed by the pooled vector. */
  float[][] probabilitiesAndPooled(List<TokenIds> texts);

  /** Frees native memory. */
  @Override
  void close();
}
