package dev.tuneloop.curation.domain;

import java.util.Locale;

/** The three splits of a dataset version. */
public enum Split {
  /** Training data. */
  TRAIN,
  /** Model selection and early stopping. */
  VALIDATION,
  /** Held out for the final evaluation. */
  TEST;

  /** The name in files and JSON: {@code train}, {@code validation}, {@code test}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The split's object name in a version, e.g. {@code train.jsonl}. */
  public String fileName() {
    return code() + ".jsonl";
  }

  /** The split with this code. */
  public static Split ofCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
