package dev.tuneloop.trainer.domain;

/** The reason codes a failed job carries in {@code TrainingStatus.failure.code}. */
public final class FailureCodes {

  /** The dataset version (its manifest) does not exist. */
  public static final String DATASET_NOT_FOUND = "dataset_not_found";

  /** The dataset version exists but cannot be trained on (labels, empty split, bad line). */
  public static final String INVALID_DATASET = "invalid_dataset";

  /** The base model folder does not exist or is incomplete. */
  public static final String BASE_MODEL_NOT_FOUND = "base_model_not_found";

  /** A hyperparameter is out of range. */
  public static final String INVALID_HYPERPARAMETER = "invalid_hyperparameter";

  /** The strategy is known but not implemented by this trainer (qlora). */
  public static final String UNSUPPORTED_STRATEGY = "unsupported_strategy";

  /** The requested warm-start alias or version does not exist. */
  public static final String WARM_START_NOT_FOUND = "warm_start_not_found";

  /** The object store did not answer within the retry budget. */
  public static final String STORAGE_UNAVAILABLE = "storage_unavailable";

  /** MLflow did not answer within the retry budget. */
  public static final String TRACKING_UNAVAILABLE = "tracking_unavailable";

  /** Kafka did not acknowledge the model.trained event. */
  public static final String PUBLISH_FAILED = "publish_failed";

  /** Training itself failed (the message says how). */
  public static final String TRAINING_ERROR = "training_error";

  private FailureCodes() {}
}
