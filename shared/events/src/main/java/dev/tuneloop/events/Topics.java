package dev.tuneloop.events;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Kafka topics of tuneloop. Each topic carries one event type (see {@link EventType}) and has a
 * dead-letter topic {@code <topic>.dlq} for messages that could not be processed.
 */
public final class Topics {

  /** Raw batches stored in {@code tuneloop-raw}, keyed by dataset. */
  public static final String DATA_INGESTED = "tuneloop.data.ingested";

  /** New immutable dataset versions, keyed by dataset. */
  public static final String DATASET_CURATED = "tuneloop.dataset.curated";

  /** Training jobs to run, keyed by job id. */
  public static final String TRAINING_REQUESTED = "tuneloop.training.requested";

  /** Progress and outcome of training jobs, keyed by job id. */
  public static final String TRAINING_STATUS = "tuneloop.training.status";

  /** Candidate models, keyed by model name. */
  public static final String MODEL_TRAINED = "tuneloop.model.trained";

  /** Evaluation verdicts, keyed by model name. */
  public static final String MODEL_EVALUATED = "tuneloop.model.evaluated";

  /** Deployment and rollout state, keyed by model name; compacted (latest state per model). */
  public static final String DEPLOYMENT_STATE = "tuneloop.deployment.state";

  /** Every prediction served, keyed by model name. */
  public static final String PREDICTIONS = "tuneloop.predictions";

  /** True labels for earlier predictions, keyed by model name. */
  public static final String FEEDBACK = "tuneloop.feedback";

  /** Online health per model version and window, keyed by model name. */
  public static final String MODEL_HEALTH = "tuneloop.model.health";

  /** Drift alarms, keyed by model name. */
  public static final String DRIFT_DETECTED = "tuneloop.drift.detected";

  /**
   * MinIO's bucket notifications for {@code tuneloop-raw} (MinIO's own JSON, not CloudEvents),
   * which curation turns into {@link #DATA_INGESTED} events.
   */
  public static final String RAW_NOTIFICATIONS = "tuneloop.raw.notifications";

  /** Suffix of every dead-letter topic. */
  public static final String DLQ_SUFFIX = ".dlq";

  /**
   * A topic and how Kafka should keep it.
   *
   * @param name the topic name
   * @param compacted whether the topic is compacted ({@code cleanup.policy=compact}): Kafka keeps
   *     at least the latest record per key, so a restarted consumer rebuilds current state from it
   */
  public record TopicSpec(String name, boolean compacted) {

    /** Checks the name. */
    public TopicSpec {
      Require.nonBlank(name, "name");
    }

    /** The topic configuration to create it with (empty: broker defaults). */
    public Map<String, String> config() {
      return compacted ? Map.of("cleanup.policy", "compact") : Map.of();
    }

    /** The spec of this topic's dead-letter topic (never compacted: every failure is kept). */
    public TopicSpec deadLetter() {
      return new TopicSpec(dlq(name), false);
    }
  }

  /** The event topics, in the order of the loop (without their dead-letter topics). */
  public static final List<TopicSpec> EVENT_TOPICS =
      List.of(
          new TopicSpec(DATA_INGESTED, false),
          new TopicSpec(DATASET_CURATED, false),
          new TopicSpec(TRAINING_REQUESTED, false),
          new TopicSpec(TRAINING_STATUS, false),
          new TopicSpec(MODEL_TRAINED, false),
          new TopicSpec(MODEL_EVALUATED, false),
          new TopicSpec(DEPLOYMENT_STATE, true),
          new TopicSpec(PREDICTIONS, false),
          new TopicSpec(FEEDBACK, false),
          new TopicSpec(MODEL_HEALTH, false),
          new TopicSpec(DRIFT_DETECTED, false));

  private Topics() {}

  /** The dead-letter topic of {@code topic}: {@code <topic>.dlq}. */
  public static String dlq(String topic) {
    Require.nonBlank(topic, "topic");
    if (topic.endsWith(DLQ_SUFFIX)) {
      throw new IllegalArgumentException(topic + " is already a dead-letter topic");
    }
    return topic + DLQ_SUFFIX;
  }

  /**
   * Every topic tuneloop needs: each event topic and {@link #RAW_NOTIFICATIONS}, each followed by
   * its dead-letter topic.
   */
  public static List<TopicSpec> all() {
    return Stream.concat(EVENT_TOPICS.stream(), Stream.of(new TopicSpec(RAW_NOTIFICATIONS, false)))
        .flatMap(spec -> Stream.of(spec, spec.deadLetter()))
        .toList();
  }
}
