package dev.tuneloop.ml.train;

import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.model.Pooling;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything a fine-tuning run needs. Build with {@link #builder}; every field but the four
 * required ones has a default.
 *
 * @param baseModel base-model folder (config.json, tokenizer.json, model.safetensors)
 * @param dataset folder with {@code train.jsonl} and optionally {@code validation.jsonl} and {@code
 *     test.jsonl}; one {@code {"text": ..., "label": ...}} object per line
 * @param output folder the fine-tuned model is written to
 * @param labels label names; their order fixes the label indices
 * @param strategy full, head or lora
 * @param learningRate peak learning rate
 * @param epochs passes over the training set
 * @param maxSteps cap on optimizer updates (0: no cap), e.g. for smoke runs
 * @param batchSize texts per forward pass
 * @param gradientAccumulation forward passes per optimizer update
 * @param warmupRatio share of all updates spent warming the rate up from 0
 * @param schedule decay after warm-up
 * @param weightDecay AdamW decoupled weight decay, not applied to biases and LayerNorm parameters
 * @param maxGradNorm global gradient-norm clipping threshold (0: no clipping)
 * @param maxLength tokens per text, special tokens included; longer texts are truncated
 * @param seed seed of initialisation, data order and dropout
 * @param earlyStopping patience and metric on the validation set
 * @param lora LoRA settings (used by strategy lora)
 * @param pooling how token vectors become the text vector the head sees
 * @param checkpointDir where checkpoints go; null for none
 * @param checkpointEvery optimizer updates between checkpoints (0: none)
 * @param evalBatchSize texts per forward pass when evaluating
 * @param baseModelName name recorded in adapter_config.json (defaults to the folder name)
 * @param gradientCheckpointing keep only each layer's input during the forward pass and recompute
 *     the layer during backward (less activation memory, about one more forward pass of compute);
 *     ignored by strategy head, which runs the encoder once without gradients
 */
public record FineTuneSpec(
    Path baseModel,
    Path dataset,
    Path output,
    List<String> labels,
    Strategy strategy,
    double learningRate,
    int epochs,
    int maxSteps,
    int batchSize,
    int gradientAccumulation,
    double warmupRatio,
    LearningRateSchedule.Decay schedule,
    double weightDecay,
    double maxGradNorm,
    int maxLength,
    long seed,
    EarlyStopping earlyStopping,
    LoraConfig lora,
    Pooling pooling,
    Path checkpointDir,
    int checkpointEvery,
    int evalBatchSize,
    String baseModelName,
    boolean gradientCheckpointing) {

  /** Validates every field; messages name the field and the accepted range. */
  public FineTuneSpec {
    Objects.requireNonNull(baseModel, "baseModel");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(earlyStopping, "earlyStopping");
    Objects.requireNonNull(lora, "lora");
    Objects.requireNonNull(pooling, "pooling");
    labels = List.copyOf(labels);
    if (labels.size() < 2 || new HashSet<>(labels).size() != labels.size()) {
      throw new IllegalArgumentException(
          "labels must hold at least two distinct names, got " + labels);
    }
    require(
        learningRate > 0 && learningRate < 1,
        "learningRate must be in (0, 1), was " + learningRate);
    require(epochs >= 1, "epochs must be >= 1, was " + epochs);
    require(maxSteps >= 0, "maxSteps must be >= 0, was " + maxSteps);
    require(batchSize >= 1, "batchSize must be >= 1, was " + batchSize);
    require(
        gradientAccumulation >= 1,
        "gradientAccumulation must be >= 1, was " + gradientAccumulation);
    require(
        warmupRatio >= 0 && warmupRatio <= 1, "warmupRatio must be in [0, 1], was " + warmupRatio);
    require(weightDecay >= 0, "weightDecay must be >= 0, was " + weightDecay);
    require(maxGradNorm >= 0, "maxGradNorm must be >= 0, was " + maxGradNorm);
    require(maxLength >= 2, "maxLength must be >= 2, was " + maxLength);
    require(checkpointEvery >= 0, "checkpointEvery must be >= 0, was " + checkpointEvery);
    require(
        checkpointEvery == 0 || checkpointDir != null,
        "checkpointEvery is " + checkpointEvery + " but no checkpointDir is set");
    require(evalBatchSize >= 1, "evalBatchSize must be >= 1, was " + evalBatchSize);
    if (baseModelName == null || baseModelName.isBlank()) {
      Path name = baseModel.toAbsolutePath().normalize().getFileName();
      baseModelName = name == null ? "base-model" : name.toString();
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Whether checkpoints are written. */
  public boolean checkpointing() {
    return checkpointDir != null && checkpointEvery > 0;
  }

  /** A builder with the required fields. */
  public static Builder builder(Path baseModel, Path dataset, Path output, List<String> labels) {
    return new Builder(baseModel, dataset, output, labels);
  }

  /** A builder pre-filled with this spec. */
  public Builder toBuilder() {
    Builder b = new Builder(baseModel, dataset, output, labels);
    b.strategy = strategy;
    b.learningRate = learningRate;
    b.epochs = epochs;
    b.maxSteps = maxSteps;
    b.batchSize = batchSize;
    b.gradientAccumulation = gradientAccumulation;
    b.warmupRatio = warmupRatio;
    b.schedule = schedule;
    b.weightDecay = weightDecay;
    b.maxGradNorm = maxGradNorm;
    b.maxLength = maxLength;
    b.seed = seed;
    b.earlyStopping = earlyStopping;
    b.lora = lora;
    b.pooling = pooling;
    b.checkpointDir = checkpointDir;
    b.checkpointEvery = checkpointEvery;
    b.evalBatchSize = evalBatchSize;
    b.baseModelName = baseModelName;
    b.gradientCheckpointing = gradientCheckpointing;
    return b;
  }

  /**
   * Builds a {@link FineTuneSpec}. Defaults: strategy lora, learning rate by strategy (full 5e-5,
   * lora 5e-4, head 1e-3), 3 epochs, batch 16, no accumulation, warm-up 0.1, linear decay, weight
   * decay 0.01, clipping at norm 1.0, max length 128, seed 42, no early stopping, LoRA r 8 alpha 16
   * dropout 0.1 on query and value, mean pooling, no checkpoints, evaluation batch 64, no gradient
   * checkpointing.
   */
  public static final class Builder {
    private Path baseModel;
    private Path dataset;
    private Path output;
    private List<String> labels;
    private Strategy strategy = Strategy.LORA;
    private Double learningRate;
    private int epochs = 3;
    private int maxSteps;
    private int batchSize = 16;
    private int gradientAccumulation = 1;
    private double warmupRatio = 0.1;
    private LearningRateSchedule.Decay schedule = LearningRateSchedule.Decay.LINEAR;
    private double weightDecay = 0.01;
    private double maxGradNorm = 1.0;
    private int maxLength = 128;
    private long seed = 42;
    private EarlyStopping earlyStopping = EarlyStopping.off();
    private LoraConfig lora = LoraConfig.defaults();
    private Pooling pooling = Pooling.MEAN;
    private Path checkpointDir;
    private int checkpointEvery;
    private int evalBatchSize = 64;
    private String baseModelName;
    private boolean gradientCheckpointing;

    private Builder(Path baseModel, Path dataset, Path output, List<String> labels) {
      this.baseModel = baseModel;
      this.dataset = dataset;
      this.output = output;
      this.labels = labels;
    }

    /** Sets the base-model folder. */
    public Builder baseModel(Path value) {
      baseModel = value;
      return this;
    }

    /** Sets the dataset folder. */
    public Builder dataset(Path value) {
      dataset = value;
      return this;
    }

    /** Sets the output folder. */
    public Builder output(Path value) {
      output = value;
      return this;
    }

    /** Sets the labels. */
    public Builder labels(List<String> value) {
      labels = value;
      return this;
    }

    /** Sets the strategy. */
    public Builder strategy(Strategy value) {
      strategy = value;
      return this;
    }

    /** Sets the peak learning rate. */
    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    /** Sets the number of epochs. */
    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    /** Caps optimizer updates (0: no cap). */
    public Builder maxSteps(int value) {
      maxSteps = value;
      return this;
    }

    /** Sets the batch size. */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /** Sets forward passes per update. */
    public Builder gradientAccumulation(int value) {
      gradientAccumulation = value;
      return this;
    }

    /** Sets the warm-up share. */
    public Builder warmupRatio(double value) {
      warmupRatio = value;
      return this;
    }

    /** Sets the decay shape. */
    public Builder schedule(LearningRateSchedule.Decay value) {
      schedule = value;
      return this;
    }

    /** Sets AdamW weight decay. */
    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    /** Sets the clipping norm (0: off). */
    public Builder maxGradNorm(double value) {
      maxGradNorm = value;
      return this;
    }

    /** Sets the maximum tokens per text. */
    public Builder maxLength(int value) {
      maxLength = value;
      return this;
    }

    /** Sets the seed. */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /** Sets early stopping. */
    public Builder earlyStopping(EarlyStopping value) {
      earlyStopping = value;
      return this;
    }

    /** Sets LoRA settings. */
    public Builder lora(LoraConfig value) {
      lora = value;
      return this;
    }

    /** Sets the pooling. */
    public Builder pooling(Pooling value) {
      pooling = value;
      return this;
    }

    /** Writes a checkpoint into {@code dir} every {@code everySteps} updates. */
    public Builder checkpoints(Path dir, int everySteps) {
      checkpointDir = dir;
      checkpointEvery = everySteps;
      return this;
    }

    /** Sets the evaluation batch size. */
    public Builder evalBatchSize(int value) {
      evalBatchSize = value;
      return this;
    }

    /** Sets the base model name recorded in adapter_config.json. */
    public Builder baseModelName(String value) {
      baseModelName = value;
      return this;
    }

    /** Turns gradient checkpointing on or off (see {@link FineTuneSpec#gradientCheckpointing}). */
    public Builder gradientCheckpointing(boolean value) {
      gradientCheckpointing = value;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @throws IllegalArgumentException naming the first invalid field
     */
    public FineTuneSpec build() {
      double rate =
          learningRate != null
              ? learningRate
              : switch (strategy) {
                case FULL -> 5e-5;
                case LORA -> 5e-4;
                case HEAD -> 1e-3;
              };
      return new FineTuneSpec(
          baseModel,
          dataset,
          output,
          labels,
          strategy,
          rate,
          epochs,
          maxSteps,
          batchSize,
          gradientAccumulation,
          warmupRatio,
          schedule,
          weightDecay,
          maxGradNorm,
          maxLength,
          seed,
          earlyStopping,
          lora,
          pooling,
          checkpointDir,
          checkpointEvery,
          evalBatchSize,
          baseModelName,
          gradientCheckpointing);
    }
  }
}
