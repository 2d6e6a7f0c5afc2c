package dev.tuneloop.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The trainer's settings ({@code tuneloop.trainer.*}); every one has a documented default. */
@ConfigMapping(prefix = "tuneloop.trainer")
public interface TrainerConfig {

  /** This worker's id in status events (default: host name and process id). */
  Optional<String> workerId();

  /** Local folder for cached datasets and base models, checkpoints and outputs. */
  @WithDefault("${java.io.tmpdir}/tuneloop-trainer")
  Path workDirectory();

  /** Whether this process takes jobs from Kafka (false: REST API only, e.g. a front end). */
  @WithDefault("true")
  boolean consume();

  /** Kafka consumer group of all workers: each job is taken by exactly one of them. */
  @WithDefault("tuneloop-trainer")
  String consumerGroup();

  /**
   * Where a consumer group without committed offsets starts: {@code earliest} (every job ever
   * requested) or {@code latest} (jobs requested from now on).
   */
  @WithDefault("earliest")
  String autoOffsetReset();

  /**
   * Only jobs whose model name matches this regular expression are trained; others are skipped
   * (left to another deployment sharing the Kafka cluster). Default: all.
   */
  Optional<String> modelFilter();

  /**
   * How long a worker may go silent before Kafka gives its job to another worker (a kill -9'd
   * worker's job is redelivered after about this long).
   */
  @WithDefault("15s")
  Duration sessionTimeout();

  /** Status events while a job runs: at least this often. */
  @WithDefault("10s")
  Duration progressInterval();

  /** Checkpoints. */
  Checkpoints checkpoints();

  /** The reference profile written with every candidate. */
  Profile profile();

  /** Default hyperparameters (any request field left out takes these). */
  Defaults defaults();

  /**
   * Per-strategy overrides of the defaults, keyed by strategy ({@code full}, {@code head}, {@code
   * lora}).
   */
  Map<String, StrategyDefaults> strategies();

  /** Checkpoint settings. */
  interface Checkpoints {
    /** Optimizer steps between local checkpoints (0: none, so a killed job starts over). */
    @WithDefault("50")
    int everySteps();

    /**
     * A local checkpoint is copied to the object store when this many steps passed since the last
     * copy...
     */
    @WithDefault("200")
    int uploadEverySteps();

    /** ...or when this much time passed since the last copy. */
    @WithDefault("5m")
    Duration uploadInterval();
  }

  /** Reference-profile settings. */
  interface Profile {
    /** Training texts profiled at most (a seeded random sample), so big datasets stay fast. */
    @WithDefault("2000")
    int sampleSize();

    /** Random projections of the embeddings. */
    @WithDefault("16")
    int projections();

    /** Histogram bins. */
    @WithDefault("20")
    int bins();

    /** Seed of the sample and the projections. */
    @WithDefault("7")
    long seed();
  }

  /** Hyperparameter defaults. */
  interface Defaults {
    /** Passes over the training split. */
    @WithDefault("3")
    int epochs();

    /** Cap on optimizer steps (0: none). */
    @WithDefault("0")
    long maxSteps();

    /** Examples per step. */
    @WithDefault("16")
    int batchSize();

    /** Peak learning rate when the strategy sets none. */
    @WithDefault("5e-4")
    double learningRate();

    /** AdamW weight decay. */
    @WithDefault("0.01")
    double weightDecay();

    /** Share of steps warming up. */
    @WithDefault("0.1")
    double warmupRatio();

    /** Decay after warm-up: linear or cosine. */
    @WithDefault("linear")
    String schedule();

    /** Global-norm clipping threshold (0: off). */
    @WithDefault("1.0")
    double maxGradNorm();

    /** Tokens per example. */
    @WithDefault("128")
    int maxSequenceLength();

    /** Evaluations without improvement before stopping (0: off). */
    @WithDefault("0")
    int earlyStoppingPatience();

    /** Random seed. */
    @WithDefault("42")
    long seed();

    /** Share of earlier versions' training data mixed into a warm-started job. */
    @WithDefault("0.3")
    double rehearsalFraction();

    /** LoRA rank. */
    @WithDefault("8")
    int loraRank();

    /** LoRA alpha. */
    @WithDefault("16")
    double loraAlpha();

    /** LoRA dropout. */
    @WithDefault("0.1")
    double loraDropout();

    /** LoRA target modules. */
    @WithDefault("query,value")
    List<String> loraTargetModules();
  }

  /** What a strategy changes in the defaults. */
  interface StrategyDefaults {
    /** Peak learning rate for this strategy. */
    Optional<Double> learningRate();

    /** Epochs for this strategy. */
    Optional<Integer> epochs();

    /** Batch size for this strategy. */
    Optional<Integer> batchSize();
  }
}
