package dev.tuneloop.events;

/**
 * The data of a tuneloop event: one record per event type of the catalog (see {@code
 * docs/events/README.md}).
 *
 * <p>Each implementation declares its CloudEvents type ({@code TYPE}) and Kafka topic ({@code
 * TOPIC}) as constants; {@link EventType} maps between them. Records validate themselves in their
 * constructors, so an instance always satisfies the contract and its JSON schema.
 *
 * <p>Compatibility: adding an optional ({@code @Nullable}) field is compatible, since readers
 * ignore unknown properties; renaming or removing a field, making one required or adding an enum
 * value that old readers must understand means a new {@code .v2} type.
 */
public sealed interface TuneloopEvent
    permits DataIngested,
        DatasetCurated,
        TrainingRequested,
        TrainingStatus,
        ModelTrained,
        ModelEvaluated,
        DeploymentState,
        Prediction,
        Feedback,
        ModelHealth,
        DriftDetected {

  /**
   * What a dataset name, model name, job id or batch id looks like: 1 to 128 letters, digits, dots,
   * underscores or hyphens, starting with a letter or digit. These names become object keys and
   * MLflow names, so nothing that could traverse a path is allowed. REST adapters should check
   * input against it and answer 400 before building an event.
   */
  String NAME_REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

  /**
   * The aggregate this event belongs to (a dataset, a training job or a model name): the Kafka
   * record key, so all events of one aggregate stay in order, and the CloudEvents subject.
   */
  String key();
}
