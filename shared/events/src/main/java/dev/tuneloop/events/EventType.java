package dev.tuneloop.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The event catalog: CloudEvents type string, Java record and Kafka topic of every event. */
public enum EventType {
  /** {@link DataIngested}. */
  DATA_INGESTED(DataIngested.TYPE, DataIngested.class, DataIngested.TOPIC),
  /** {@link DatasetCurated}. */
  DATASET_CURATED(DatasetCurated.TYPE, DatasetCurated.class, DatasetCurated.TOPIC),
  /** {@link TrainingRequested}. */
  TRAINING_REQUESTED(TrainingRequested.TYPE, TrainingRequested.class, TrainingRequested.TOPIC),
  /** {@link TrainingStatus}. */
  TRAINING_STATUS(TrainingStatus.TYPE, TrainingStatus.class, TrainingStatus.TOPIC),
  /** {@link ModelTrained}. */
  MODEL_TRAINED(ModelTrained.TYPE, ModelTrained.class, ModelTrained.TOPIC),
  /** {@link ModelEvaluated}. */
  MODEL_EVALUATED(ModelEvaluated.TYPE, ModelEvaluated.class, ModelEvaluated.TOPIC),
  /** {@link DeploymentState}. */
  DEPLOYMENT_STATE(DeploymentState.TYPE, DeploymentState.class, DeploymentState.TOPIC),
  /** {@link Prediction}. */
  PREDICTION(Prediction.TYPE, Prediction.class, Prediction.TOPIC),
  /** {@link Feedback}. */
  FEEDBACK(Feedback.TYPE, Feedback.class, Feedback.TOPIC),
  /** {@link ModelHealth}. */
  MODEL_HEALTH(ModelHealth.TYPE, ModelHealth.class, ModelHealth.TOPIC),
  /** {@link DriftDetected}. */
  DRIFT_DETECTED(DriftDetected.TYPE, DriftDetected.class, DriftDetected.TOPIC);

  private static final Map<String, EventType> BY_TYPE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

  private final String type;
  private final Class<? extends TuneloopEvent> javaType;
  private final String topic;

  EventType(String type, Class<? extends TuneloopEvent> javaType, String topic) {
    this.type = type;
    this.javaType = javaType;
    this.topic = topic;
  }

  /** The CloudEvents type, e.g. {@code dev.tuneloop.training.status.v1}. */
  public String type() {
    return type;
  }

  /** The record that carries this event's data. */
  public Class<? extends TuneloopEvent> javaType() {
    return javaType;
  }

  /** The Kafka topic the event is published on. */
  public String topic() {
    return topic;
  }

  /**
   * Class-path location of the event's JSON schema (the files of {@code docs/events} ship in this
   * jar), e.g. {@code dev/tuneloop/events/schemas/dev.tuneloop.training.status.v1.schema.json}.
   */
  public String schemaResource() {
    return "dev/tuneloop/events/schemas/" + type + ".schema.json";
  }

  /**
   * The event type with CloudEvents type {@code type}.
   *
   * @throws InvalidEventException if tuneloop has no such event type
   */
  public static EventType of(String type) {
    EventType eventType = BY_TYPE.get(type);
    if (eventType == null) {
      throw new InvalidEventException(
          "Unknown event type '"
              + type
              + "'; known types: "
              + BY_TYPE.keySet().stream().sorted().toList());
    }
    return eventType;
  }

  /** The event type carried by {@code javaType}. */
  public static EventType of(Class<? extends TuneloopEvent> javaType) {
    for (EventType eventType : values()) {
      if (eventType.javaType == javaType) {
        return eventType;
      }
    }
    // Unreachable while every permitted subtype of TuneloopEvent has a constant (checked by tests).
    throw new IllegalStateException("No event type for " + javaType.getName());
  }

  /** The event type of {@code event}. */
  public static EventType of(TuneloopEvent event) {
    return of(event.getClass());
  }
}
