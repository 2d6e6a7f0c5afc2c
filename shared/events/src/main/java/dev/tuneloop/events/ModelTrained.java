package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A training job produced a candidate model, stored in the model artifact layout of the design.
 *
 * <p>Producer: trainer (exactly once per job). Consumer: evaluator. Key: the model name.
 *
 * @param modelName the registered model the candidate is for
 * @param jobId the training job that produced it
 * @param candidateUri the candidate's artifact folder, e.g. {@code
 *     s3://tuneloop-models/spam/candidates/job-42/}
 * @param mlflowRunId the MLflow run of the training job
 * @param validationMetrics final metrics on the validation split by name (e.g. {@code accuracy},
 *     {@code macro_f1}, {@code loss})
 * @param labels the classifier's labels in output order
 * @param lineage what the candidate was made from
 * @param trainedAt when training finished
 */
public record ModelTrained(
    String modelName,
    String jobId,
    String candidateUri,
    String mlflowRunId,
    Map<String, Double> validationMetrics,
    List<String> labels,
    Lineage lineage,
    Instant trainedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.model.trained.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.MODEL_TRAINED;

  /**
   * What a candidate was made from (the same facts as its {@code model_card.json}).
   *
   * @param dataset the dataset trained on
   * @param datasetVersion its version
   * @param datasetSha256 the version's manifest hash ({@link DatasetCurated#manifestSha256()})
   * @param baseModel the pre-trained model started from
   * @param baseModelSha256 hex SHA-256 of the base model's weights file
   * @param strategy how it was fine-tuned
   * @param warmStartVersion the MLflow model version whose weights were the starting point, when
   *     the job warm-started from one
   */
  public record Lineage(
      String dataset,
      int datasetVersion,
      String datasetSha256,
      String baseModel,
      String baseModelSha256,
      TrainingStrategy strategy,
      @Nullable String warmStartVersion) {

    /** Checks every field. */
    public Lineage {
      Require.name(dataset, "dataset");
      Require.positive(datasetVersion, "datasetVersion");
      Require.nonBlank(datasetSha256, "datasetSha256");
      Require.nonBlank(baseModel, "baseModel");
      Require.nonBlank(baseModelSha256, "baseModelSha256");
      Require.present(strategy, "strategy");
      Require.nonBlankIfPresent(warmStartVersion, "warmStartVersion");
    }
  }

  /** Checks every field; see the component descriptions. */
  public ModelTrained {
    Require.name(modelName, "modelName");
    Require.name(jobId, "jobId");
    Require.nonBlank(candidateUri, "candidateUri");
    Require.nonBlank(mlflowRunId, "mlflowRunId");
    validationMetrics = Require.metrics(validationMetrics, "validationMetrics");
    labels = Require.strings(labels, "labels");
    if (labels.size() < 2) {
      throw new InvalidEventException("labels must name at least 2 classes, was " + labels);
    }
    Require.present(lineage, "lineage");
    Require.present(trainedAt, "trainedAt");
  }

  @Override
  public String key() {
    return modelName;
  }
}
