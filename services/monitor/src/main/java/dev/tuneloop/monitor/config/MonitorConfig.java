package dev.tuneloop.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Monitor settings ({@code tuneloop.monitor.*}); every setting has a default. */
@ConfigMapping(prefix = "tuneloop.monitor")
public interface MonitorConfig {

  /**
   * The models this monitor watches (a regular expression over model names); events of other models
   * are acknowledged and skipped. Default: all.
   */
  @WithDefault(".*")
  String modelsPattern();

  /** A window closes after this many predictions of one model version and arm. */
  @WithDefault("1000")
  int windowSize();

  /** ... or once it has been open this long, whichever comes first. */
  @WithDefault("PT5M")
  Duration windowDuration();

  /** Feedback up to this long after its prediction still counts in the prediction's window. */
  @WithDefault("PT1H")
  Duration feedbackHorizon();

  /** Most predictions remembered for the feedback join (oldest forgotten first). */
  @WithDefault("1000000")
  int maxTrackedRequests();

  /** How often time-based windows are closed and late-feedback updates are published. */
  @WithDefault("PT5S")
  Duration tickInterval();

  /** How often a missing reference profile of a deployed version is looked for again. */
  @WithDefault("PT30S")
  Duration profileRetryInterval();

  /** Drift tests. */
  Drift drift();

  /** The retraining policy. */
  Retraining retraining();

  /** Drift test settings. */
  interface Drift {

    /** Fewest predictions in a window before any drift test runs. */
    @WithDefault("300")
    int minSamples();

    /** Significance level of every test. */
    @WithDefault("0.001")
    double alpha();

    /** PSI thresholds low, medium, high (predicted label, embedding projections). */
    @WithDefault("0.1,0.25,0.5")
    List<Double> psiThresholds();

    /** Jensen-Shannon divergence (bits) thresholds low, medium, high (predicted label). */
    @WithDefault("0.02,0.05,0.1")
    List<Double> jensenShannonThresholds();

    /** Kolmogorov-Smirnov D thresholds low, medium, high (confidence, text length, tokens). */
    @WithDefault("0.1,0.2,0.3")
    List<Double> ksThresholds();

    /** MMD squared thresholds low, medium, high (projected embeddings). */
    @WithDefault("0.02,0.05,0.1")
    List<Double> mmdThresholds();

    /** Points per side in the MMD test. */
    @WithDefault("100")
    int mmdSampleSize();

    /** Permutations of the MMD test. */
    @WithDefault("100")
    int mmdPermutations();
  }

  /** Retraining policy settings. */
  interface Retraining {

    /** Request training when a dataset version has this many new training records. */
    @WithDefault("1000")
    long minNewTrainingRecords();

    /** Request training on drift at or above this severity: low, medium or high. */
    @WithDefault("medium")
    String driftSeverity();

    /** No new request for a model within this time of its last one. */
    @WithDefault("PT6H")
    Duration cooldown();

    /** A job without an end this long after it started no longer blocks new requests. */
    @WithDefault("PT24H")
    Duration openJobTimeout();

    /** Base model of training requests (a name under tuneloop-models/base/). */
    @WithDefault("all-MiniLM-L6-v2")
    String baseModel();

    /** Fine-tuning strategy of training requests: full, head, lora or qlora. */
    @WithDefault("lora")
    String strategy();

    /** The model trained on a dataset, by dataset name; default: the model named as the dataset. */
    Map<String, String> datasetModels();

    /** Per-model overrides, by model name. */
    Map<String, ModelOverrides> models();
  }

  /** Overrides for one model. */
  interface ModelOverrides {

    /** Base model of this model's training requests. */
    Optional<String> baseModel();

    /** Strategy of this model's training requests. */
    Optional<String> strategy();
  }
}
