package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A training job should run: fine-tune a base model on a dataset version into a candidate.
 *
 * <p>Producers: monitor (retraining policy), registry, trainer REST API. Consumer: trainer. Key:
 * the job id (the trainer trains a job id at most once).
 *
 * <p>Only the shape is checked here. Whether the dataset version and base model exist and the
 * hyperparameters are in range is the trainer's {@code validating} step, which ends a bad job as
 * {@code failed} with a reason code instead of dead-lettering it.
 *
 * @param jobId the job id, unique over all jobs
 * @param modelName the registered model the candidate is for (MLflow registered model name)
 * @param dataset the dataset to train on
 * @param datasetVersion the dataset version to train on
 * @param baseModel the pre-trained model to start from: a name under {@code tuneloop-models/base/}
 *     (e.g. {@code all-MiniLM-L6-v2}) or an {@code s3://} URI
 * @param strategy how to fine-tune
 * @param hyperparameters overrides of the trainer's defaults
 * @param reason why the job was requested
 * @param reasonDetail more on the reason, e.g. the drift event id or the operator's note
 * @param warmStartFrom MLflow alias or version of {@code modelName} whose weights to start from
 *     (e.g. {@code champion}); absent: start from {@code baseModel}
 * @param requestedAt when the job was requested
 */
public record TrainingRequested(
    String jobId,
    String modelName,
    String dataset,
    int datasetVersion,
    String baseModel,
    TrainingStrategy strategy,
    Hyperparameters hyperparameters,
    Reason reason,
    @Nullable String reasonDetail,
    @Nullable String warmStartFrom,
    Instant requestedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.training.requested.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.TRAINING_REQUESTED;

  /** Why a job was requested. JSON: {@code new_data}, {@code drift}, {@code manual}. */
  public enum Reason {
    /** Enough new curated data arrived. */
    NEW_DATA,
    /** The monitor detected drift. */
    DRIFT,
    /** An operator asked for it. */
    MANUAL
  }

  /** Learning-rate schedule after warm-up. JSON: {@code linear}, {@code cosine}. */
  public enum Schedule {
    /** Linear decay to zero. */
    LINEAR,
    /** Cosine decay to zero. */
    COSINE
  }

  /**
   * Hyperparameter overrides; every absent field takes the trainer's configured default, so a
   * request from the retraining policy can leave them all out ({@link #defaults()}).
   *
   * @param epochs passes over the training split
   * @param maxSteps stop after this many optimizer steps (caps {@code epochs})
   * @param batchSize examples per step
   * @param learningRate peak learning rate
   * @param weightDecay AdamW weight decay (not applied to biases and LayerNorm weights)
   * @param warmupRatio share of the steps spent warming up the learning rate
   * @param schedule learning-rate decay after warm-up
   * @param maxGradNorm global gradient-norm clipping threshold
   * @param maxSequenceLength tokens per example after truncation
   * @param earlyStoppingPatience validations without improvement before stopping
   * @param seed random seed (data order, initialisation, dropout)
   * @param rehearsalFraction share of earlier versions' training data mixed in against forgetting
   * @param lora LoRA settings, for the {@code lora} and {@code qlora} strategies
   */
  public record Hyperparameters(
      @Nullable Integer epochs,
      @Nullable Long maxSteps,
      @Nullable Integer batchSize,
      @Nullable Double learningRate,
      @Nullable Double weightDecay,
      @Nullable Double warmupRatio,
      @Nullable Schedule schedule,
      @Nullable Double maxGradNorm,
      @Nullable Integer maxSequenceLength,
      @Nullable Integer earlyStoppingPatience,
      @Nullable Long seed,
      @Nullable Double rehearsalFraction,
      @Nullable Lora lora) {

    /** Checks that numbers are finite (ranges are the trainer's {@code validating} step). */
    public Hyperparameters {
      Require.finiteIfPresent(learningRate, "learningRate");
      Require.finiteIfPresent(weightDecay, "weightDecay");
      Require.finiteIfPresent(warmupRatio, "warmupRatio");
      Require.finiteIfPresent(maxGradNorm, "maxGradNorm");
      Require.finiteIfPresent(rehearsalFraction, "rehearsalFraction");
    }

    /** No overrides: the trainer's defaults for everything. */
    public static Hyperparameters defaults() {
      return new Hyperparameters(
          null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  /**
   * LoRA settings (as Hugging Face PEFT names them: {@code r}, {@code lora_alpha}, {@code
   * lora_dropout}, {@code target_modules}); absent fields take the trainer's defaults.
   *
   * @param rank adapter rank {@code r}
   * @param alpha scaling numerator {@code lora_alpha}
   * @param dropout dropout on the adapter input
   * @param targetModules names of the Linear layers that get adapters, e.g. {@code query, value}
   */
  public record Lora(
      @Nullable Integer rank,
      @Nullable Double alpha,
      @Nullable Double dropout,
      @Nullable List<String> targetModules) {

    /** Checks that numbers are finite and module names are not blank. */
    public Lora {
      Require.finiteIfPresent(alpha, "alpha");
      Require.finiteIfPresent(dropout, "dropout");
      targetModules =
          targetModules == null ? null : Require.strings(targetModules, "targetModules");
    }
  }

  /** Checks every field; see the component descriptions. */
  public TrainingRequested {
    Require.name(jobId, "jobId");
    Require.name(modelName, "modelName");
    Require.name(dataset, "dataset");
    Require.positive(datasetVersion, "datasetVersion");
    Require.nonBlank(baseModel, "baseModel");
    Require.present(strategy, "strategy");
    Require.present(hyperparameters, "hyperparameters");
    Require.present(reason, "reason");
    Require.nonBlankIfPresent(reasonDetail, "reasonDetail");
    Require.nonBlankIfPresent(warmStartFrom, "warmStartFrom");
    Require.present(requestedAt, "requestedAt");
  }

  @Override
  public String key() {
    return jobId;
  }
}
