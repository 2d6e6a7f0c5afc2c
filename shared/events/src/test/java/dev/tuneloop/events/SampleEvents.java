package dev.tuneloop.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Valid events of every type, with every optional field filled in, for the contract tests. */
final class SampleEvents {

  static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123456Z");
  static final Instant T1 = Instant.parse("2026-11-24T10:20:30Z");

  private SampleEvents() {}

  /** One fully populated sample per event type, in catalog order. */
  static List<TuneloopEvent> all() {
    return List.of(
        dataIngested(),
        datasetCurated(),
        trainingRequested(),
        trainingStatusFailed(),
        modelTrained(),
        modelEvaluatedForcedPass(),
        deploymentStateCanary(),
        prediction(),
        feedback(),
        modelHealth(),
        driftDetected());
  }

  /** Every sample of {@link #all()} plus variants that exercise other states. */
  static List<TuneloopEvent> variants() {
    List<TuneloopEvent> events = new java.util.ArrayList<>(all());
    events.add(trainingStatusRunning());
    events.add(modelEvaluatedFail());
    events.add(deploymentStateIdle());
    events.add(
        new TrainingRequested(
            "job-43",
            "spam",
            "spam",
            3,
            "all-MiniLM-L6-v2",
            TrainingStrategy.HEAD,
            TrainingRequested.Hyperparameters.defaults(),
            TrainingRequested.Reason.DRIFT,
            null,
            null,
            T0));
    return events;
  }

  static DataIngested dataIngested() {
    return new DataIngested(
        "spam",
        "b-20261124-0001",
        "s3://tuneloop-raw/spam/b-20261124-0001.ndjson",
        DataIngested.Format.NDJSON,
        DataIngested.Source.UPLOAD,
        1_048_576L,
        4_200L,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        T0);
  }

  static DatasetCurated datasetCurated() {
    return new DatasetCurated(
        "spam",
        2,
        "s3://tuneloop-datasets/spam/v2/manifest.json",
        "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        List.of("ham", "spam"),
        List.of("b-20261124-0001", "b-20261124-0002"),
        new DatasetCurated.SplitCounts(3_200, 800, counts("ham", 2_400, "spam", 800)),
        new DatasetCurated.SplitCounts(400, 100, counts("ham", 300, "spam", 100)),
        new DatasetCurated.SplitCounts(400, 100, counts("ham", 300, "spam", 100)),
        1_050,
        counts("exact_duplicate", 30, "missing_text", 20),
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        T0);
  }

  static TrainingRequested trainingRequested() {
    return new TrainingRequested(
        "job-42",
        "spam",
        "spam",
        2,
        "all-MiniLM-L6-v2",
        TrainingStrategy.LORA,
        new TrainingRequested.Hyperparameters(
            3,
            1_000L,
            16,
            5.0e-4,
            0.01,
            0.1,
            TrainingRequested.Schedule.COSINE,
            1.0,
            128,
            2,
            42L,
            0.2,
            new TrainingRequested.Lora(8, 16.0, 0.05, List.of("query", "value"))),
        TrainingRequested.Reason.NEW_DATA,
        "dataset spam v2 added 800 training records",
        "champion",
        T0);
  }

  static TrainingStatus trainingStatusRunning() {
    return new TrainingStatus(
        "job-42",
        "spam",
        TrainingStatus.State.RUNNING,
        120,
        600L,
        1,
        3,
        0.4137,
        4.5e-4,
        30.2,
        212L,
        Map.of("train_loss", 0.4137),
        null,
        "trainer-7f9c",
        T0);
  }

  static TrainingStatus trainingStatusFailed() {
    return new TrainingStatus(
        "job-42",
        "spam",
        TrainingStatus.State.FAILED,
        120,
        600L,
        1,
        3,
        0.4137,
        4.5e-4,
        30.2,
        0L,
        metrics("val_accuracy", 0.91, "val_loss", 0.25),
        new TrainingStatus.Failure(
            "storage_unavailable", "MinIO at http://127.0.0.1:9000 did not answer for 120 s"),
        "trainer-7f9c",
        T1);
  }

  static ModelTrained modelTrained() {
    return new ModelTrained(
        "spam",
        "job-42",
        "s3://tuneloop-models/spam/candidates/job-42/",
        "0a1b2c3d4e5f",
        metrics("accuracy", 0.962, "macro_f1", 0.948, "loss", 0.11),
        List.of("ham", "spam"),
        new ModelTrained.Lineage(
            "spam",
            2,
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "all-MiniLM-L6-v2",
            "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
            TrainingStrategy.LORA,
            "3"),
        T1);
  }

  static ModelEvaluated modelEvaluatedForcedPass() {
    return new ModelEvaluated(
        "spam",
        "job-42",
        "s3://tuneloop-models/spam/candidates/job-42/",
        "0a1b2c3d4e5f",
        "9e8d7c6b5a",
        "spam",
        2,
        metrics("accuracy", 0.962, "macro_f1", 0.948),
        "3",
        metrics("accuracy", 0.955, "macro_f1", 0.944),
        ModelEvaluated.Verdict.PASS,
        List.of(
            new ModelEvaluated.Reason(
                "min_improvement",
                "macro_f1",
                0.01,
                0.948,
                0.944,
                0.004,
                0.21,
                false,
                "macro_f1 improved by 0.004, less than the required 0.01"),
            new ModelEvaluated.Reason(
                "serving_smoke_test",
                null,
                null,
                null,
                null,
                null,
                null,
                true,
                "the merged model answered a prediction")),
        new ModelEvaluated.OperatorOverride("alice", "hotfix for a new spam wave", T1),
        T1);
  }

  static ModelEvaluated modelEvaluatedFail() {
    return new ModelEvaluated(
        "spam",
        "job-44",
        "s3://tuneloop-models/spam/candidates/job-44/",
        "1a1b2c3d4e5f",
        "8e8d7c6b5a",
        "spam",
        2,
        metrics("accuracy", 0.90),
        null,
        Map.of(),
        ModelEvaluated.Verdict.FAIL,
        List.of(
            new ModelEvaluated.Reason(
                "min_threshold",
                "accuracy",
                0.92,
                0.90,
                null,
                null,
                null,
                false,
                "accuracy 0.90 is below the threshold 0.92")),
        null,
        T1);
  }

  static DeploymentState deploymentStateCanary() {
    DeploymentState.DeployedModel champion =
        new DeploymentState.DeployedModel(
            "3", "s3://tuneloop-models/spam/candidates/job-30/", "r3");
    DeploymentState.DeployedModel challenger =
        new DeploymentState.DeployedModel(
            "4", "s3://tuneloop-models/spam/candidates/job-42/", "r4");
    DeploymentState.DeployedModel previous =
        new DeploymentState.DeployedModel(
            "2", "s3://tuneloop-models/spam/candidates/job-12/", null);
    return new DeploymentState(
        "spam",
        17,
        champion,
        challenger,
        previous,
        DeploymentState.Phase.CANARY,
        DeploymentState.Mode.AB,
        0.5,
        List.of(0.1, 0.5, 1.0),
        1,
        T1,
        List.of(
            new DeploymentState.AuditEntry(
                T0,
                DeploymentState.Action.START,
                "registry",
                "model.evaluated pass for version 4",
                DeploymentState.Phase.IDLE,
                DeploymentState.Phase.CANARY,
                "4"),
            new DeploymentState.AuditEntry(
                T1,
                DeploymentState.Action.ADVANCE,
                "registry",
                "challenger accuracy 0.96 vs 0.95 on 1200 samples",
                DeploymentState.Phase.CANARY,
                DeploymentState.Phase.CANARY,
                "4")),
        T1);
  }

  static DeploymentState deploymentStateIdle() {
    return new DeploymentState(
        "spam",
        0,
        null,
        null,
        null,
        DeploymentState.Phase.IDLE,
        DeploymentState.Mode.AB,
        0.0,
        List.of(),
        null,
        null,
        List.of(),
        T0);
  }

  static Prediction prediction() {
    return new Prediction(
        "req-0001",
        "spam",
        "4",
        Arm.CHALLENGER,
        false,
        "user-17",
        "spam",
        0.97,
        metrics("ham", 0.03, "spam", 0.97),
        new Prediction.InputProfile(512, 120, List.of(0.12, -0.5, 1.75)),
        12.5,
        T0);
  }

  static Feedback feedback() {
    return new Feedback("req-0001", "spam", "ham", "annotator-3", T1);
  }

  static ModelHealth modelHealth() {
    return new ModelHealth(
        "spam",
        "4",
        Arm.CHALLENGER,
        new TimeWindow(T0, T1),
        1_200,
        300,
        0.96,
        0.95,
        0.94,
        0.91,
        0.001,
        48.0,
        counts("ham", 900, "spam", 300),
        metrics("psi.predicted_label", 0.02, "ks.confidence", 0.04),
        T1);
  }

  static DriftDetected driftDetected() {
    return new DriftDetected(
        "spam",
        "3",
        new TimeWindow(T0, T1),
        5_000,
        DriftDetected.Severity.MEDIUM,
        List.of(
            new DriftDetected.DriftTest(
                "psi", "predicted_label", 0.31, 0.2, null, true, DriftDetected.Severity.MEDIUM),
            new DriftDetected.DriftTest("ks", "text_length", 0.03, 0.05, 0.4, false, null)),
        T1);
  }

  private static Map<String, Long> counts(String k1, long v1, String k2, long v2) {
    Map<String, Long> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  private static Map<String, Double> metrics(String k1, double v1, String k2, double v2) {
    Map<String, Double> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  private static Map<String, Double> metrics(
      String k1, double v1, String k2, double v2, String k3, double v3) {
    Map<String, Double> map = metrics(k1, v1, k2, v2);
    map.put(k3, v3);
    return map;
  }

  private static Map<String, Double> metrics(String k1, double v1) {
    Map<String, Double> map = new LinkedHashMap<>();
    map.put(k1, v1);
    return map;
  }
}
