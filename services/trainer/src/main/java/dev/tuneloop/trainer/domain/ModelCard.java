package dev.tuneloop.trainer.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code model_card.json}: a candidate's lineage and metrics (snake case, as serving, the evaluator
 * and {@code ModelStore.loadClassifier} read it).
 *
 * @param modelName the registered model
 * @param jobId the training job
 * @param createdAt when the candidate was written
 * @param strategy full, head or lora
 * @param labels labels in output order
 * @param baseModelName base model name
 * @param baseModelUri base model folder
 * @param baseModelSha256 SHA-256 of its weights file
 * @param dataset dataset name
 * @param datasetVersion dataset version
 * @param manifestSha256 SHA-256 of the version's manifest
 * @param datasetUri the version's folder
 * @param warmStartVersion the model version warm-started from, or null
 * @param warmStartUri its artifact, or null
 * @param hyperparameters the resolved hyperparameters
 * @param validation validation metrics (may be empty)
 * @param test test metrics (may be empty)
 * @param mlflowRunId the MLflow run
 * @param device where training ran
 * @param trainableParameters parameters trained
 * @param totalParameters all parameters
 */
public record ModelCard(
    String modelName,
    String jobId,
    Instant createdAt,
    String strategy,
    List<String> labels,
    String baseModelName,
    String baseModelUri,
    String baseModelSha256,
    String dataset,
    int datasetVersion,
    String manifestSha256,
    String datasetUri,
    String warmStartVersion,
    String warmStartUri,
    Map<String, Object> hyperparameters,
    Map<String, Double> validation,
    Map<String, Double> test,
    String mlflowRunId,
    String device,
    long trainableParameters,
    long totalParameters) {

  /** The JSON document. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_name", modelName);
    out.put("job_id", jobId);
    out.put("created_at", createdAt.toString());
    out.put("strategy", strategy);
    out.put("labels", labels);
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("name", baseModelName);
    base.put("uri", baseModelUri);
    base.put("sha256", baseModelSha256);
    out.put("base_model", base);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", dataset);
    data.put("version", datasetVersion);
    data.put("manifest_sha256", manifestSha256);
    data.put("uri", datasetUri);
    out.put("dataset", data);
    if (warmStartVersion == null) {
      out.put("warm_start", null);
    } else {
      Map<String, Object> warm = new LinkedHashMap<>();
      warm.put("version", warmStartVersion);
      warm.put("uri", warmStartUri);
      out.put("warm_start", warm);
    }
    out.put("hyperparameters", hyperparameters);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("validation", validation);
    metrics.put("test", test);
    out.put("metrics", metrics);
    out.put("mlflow_run_id", mlflowRunId);
    out.put("device", device);
    out.put("trainable_parameters", trainableParameters);
    out.put("total_parameters", totalParameters);
    return out;
  }
}
