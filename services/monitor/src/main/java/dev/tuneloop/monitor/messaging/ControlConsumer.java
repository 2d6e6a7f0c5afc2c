package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.TrainingStatus;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes the control topics: {@code tuneloop.deployment.state} (every replica reads all of it, to
 * know every deployed version's reference profile), {@code tuneloop.dataset.curated} and {@code
 * tuneloop.training.status} (for the retraining policy). Undecodable events, and events whose
 * handling failed (e.g. the object store is down), are nacked onto the dead-letter topics with
 * their cause.
 */
@ApplicationScoped
public class ControlConsumer {

  private final DeploymentTracker deployments;
  private final PolicyService policy;
  private final ModelFilter filter;
  private final RecentEventIds ids = new RecentEventIds(10_000);

  ControlConsumer(DeploymentTracker deployments, PolicyService policy, ModelFilter filter) {
    this.filter = filter;
    this.deployments = deployments;
    this.policy = policy;
  }

  /** A deployment state. */
  @Incoming("deployment-state")
  @Blocking
  public CompletionStage<Void> deploymentState(Message<byte[]> message) {
    if (!filter.watches(EventDecoding.key(message))) {
      return message.ack();
    }
    try {
      EventEnvelope<DeploymentState> event = EventDecoding.decode(message, DeploymentState.class);
      deployments.onState(event.data());
      return message.ack();
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
  }

  /** A curated dataset version. */
  @Incoming("dataset-curated")
  @Blocking
  public CompletionStage<Void> datasetCurated(Message<byte[]> message) {
    try {
      EventEnvelope<DatasetCurated> event = EventDecoding.decode(message, DatasetCurated.class);
      if (filter.watches(policy.modelFor(event.data().dataset()))
          && ids.firstTime(event.metadata().id())) {
        policy.onDatasetCurated(event);
      }
      return message.ack();
    } catch (RuntimeException e) {
      return message.nack(e);
    }
  }

  /** A training job's status. */
  @Incoming("training-status")
  @Blocking
  public CompletionStage<Void> trainingStatus(Message<byte[]> message) {
    try {
      EventEnvelope<TrainingStatus> event = EventDecoding.decode(message, TrainingStatus.class);
      if (filter.watches(event.data().modelName()) && ids.firstTime(event.metadata().id())) {
        policy.onTrainingStatus(event);
      }
      return message.ack();
    } catch (RuntimeException e) {
      return message.nack(e);
    }
  }
}
