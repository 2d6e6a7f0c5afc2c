package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.monitor.config.MonitorConfig;
import dev.tuneloop.monitor.domain.PolicyState;
import dev.tuneloop.monitor.domain.RetrainingPolicy;
import dev.tuneloop.monitor.domain.RetrainingPolicy.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs the {@link RetrainingPolicy} on events: loads the model's state from the object store,
 * decides, publishes the training request (if any) and then stores the new state. Decisions for one
 * model are serialised within this process.
 */
@ApplicationScoped
public class PolicyService {

  private static final Logger LOG = Logger.getLogger(PolicyService.class);
  private static final String SOURCE = "tuneloop-monitor";

  private final RetrainingPolicy policy;
  private final PolicyStateStore store;
  private final EventPublisher publisher;
  private final DeploymentTracker deployments;
  private final DatasetCatalog catalog;
  private final Map<String, String> datasetModels;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, PolicyState> cache = new ConcurrentHashMap<>();

  PolicyService(
      RetrainingPolicy policy,
      PolicyStateStore store,
      EventPublisher publisher,
      DeploymentTracker deployments,
      DatasetCatalog catalog,
      MonitorConfig config) {
    this.datasetModels = Map.copyOf(config.retraining().datasetModels());
    this.policy = policy;
    this.store = store;
    this.publisher = publisher;
    this.deployments = deployments;
    this.catalog = catalog;
  }

  /** The model trained on {@code dataset}. */
  public String modelFor(String dataset) {
    return policy.modelFor(dataset);
  }

  /** A curated dataset version. */
  public void onDatasetCurated(EventEnvelope<DatasetCurated> event) {
    DatasetCurated curated = event.data();
    String model = policy.modelFor(curated.dataset());
    decide(
        model,
        event,
        state ->
            policy.onDatasetCurated(
                state, curated, deployments.championVersion(model), Instant.now()));
  }

  /** A drift alarm this process raised. */
  public void onDrift(EventEnvelope<DriftDetected> event) {
    DriftDetected drift = event.data();
    String model = drift.modelName();
    decide(
        model,
        event,
        state ->
            policy.onDrift(
                state,
                drift,
                event.metadata().id().toString(),
                deployments.championVersion(model),
                state.datasetVersion() > 0 ? null : catalog.latest(datasetOf(model)),
                Instant.now()));
  }

  /** A training job's status. */
  public void onTrainingStatus(EventEnvelope<TrainingStatus> event) {
    TrainingStatus status = event.data();
    PolicyState cached = cache.get(status.modelName());
    // progress reports of a job already known to be open change nothing: skip the store read
    if (!status.state().terminal() && cached != null && status.jobId().equals(cached.openJobId())) {
      return;
    }
    if (status.state().terminal() && cached != null && cached.openJobId() == null) {
      return;
    }
    decide(
        status.modelName(), event, state -> policy.onTrainingStatus(state, status, Instant.now()));
  }

  /** The dataset {@code model} trains on: the configured mapping, else the model's own name. */
  private String datasetOf(String model) {
    return datasetModels.entrySet().stream()
        .filter(e -> e.getValue().equals(model))
        .map(Map.Entry::getKey)
        .sorted()
        .findFirst()
        .orElse(model);
  }

  /** The model's policy state as last stored. */
  public Optional<PolicyState> state(String model) {
    return store.load(model);
  }

  private void decide(
      String model,
      EventEnvelope<?> cause,
      java.util.function.Function<PolicyState, Decision> rule) {
    synchronized (locks.computeIfAbsent(model, m -> new Object())) {
      PolicyState state = store.load(model).orElseGet(() -> PolicyState.initial(model));
      Decision decision = rule.apply(state);
      Optional<TrainingRequested> request = decision.request();
      if (request.isPresent()) {
        publisher.publish(EventEnvelope.causedBy(cause, request.get(), SOURCE));
        LOG.infof(
            "requested training job %s for %s: %s",
            request.get().jobId(), model, request.get().reasonDetail());
      }
      if (decision.changed()) {
        store.save(decision.state());
        if (request.isEmpty()
            && decision.state().lastDecision() != null
            && !decision.state().lastDecision().equals(state.lastDecision())) {
          LOG.infof("retraining policy for %s: %s", model, decision.state().lastDecision());
        }
      }
      cache.put(model, decision.state());
    }
  }
}
