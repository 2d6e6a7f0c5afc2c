package dev.tuneloop.storage;

import java.util.List;

/** The buckets of the tuneloop design (see docs/design.md, "State and storage"). */
public final class Buckets {

  /** Uploaded raw batches, as users and the curation REST API deliver them. */
  public static final String RAW = "tuneloop-raw";

  /** Curated dataset versions; immutable once written. */
  public static final String DATASETS = "tuneloop-datasets";

  /** Base models, fine-tuned candidates, adapters and checkpoints. */
  public static final String MODELS = "tuneloop-models";

  /** The artifact store of the MLflow server. */
  public static final String MLFLOW = "tuneloop-mlflow";

  /** All four buckets, in the order the design lists them. */
  public static final List<String> ALL = List.of(RAW, DATASETS, MODELS, MLFLOW);

  private Buckets() {}
}
