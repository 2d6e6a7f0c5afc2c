package dev.tuneloop.evaluator.config;

import dev.tuneloop.evaluator.domain.CandidateEvaluator;
import dev.tuneloop.evaluator.domain.DatasetTestSplits;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.evaluator.domain.RegistryChampions;
import dev.tuneloop.evaluator.domain.StoredModels;
import dev.tuneloop.evaluator.messaging.EventPublisher;
import dev.tuneloop.evaluator.messaging.MlflowEvaluationTracker;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.tracking.ModelRegistryClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Wires the plain domain classes to the object store, MLflow and Kafka. */
@Singleton
public class EvaluatorBeans {

  /** Reports and requests in the object store. */
  @Produces
  @Singleton
  EvaluationStore evaluationStore(ObjectStore store) {
    return new EvaluationStore(store);
  }

  /** The evaluation itself. */
  @Produces
  @Singleton
  CandidateEvaluator evaluator(
      EvaluationStore evaluations,
      ObjectStore store,
      ModelRegistryClient registry,
      MlflowEvaluationTracker tracker,
      EventPublisher publisher,
      EvaluatorConfig config) {
    return new CandidateEvaluator(
        evaluations,
        new StoredModels(
            new ModelStore(store, Path.of(config.modelCacheDirectory())), config.batchSize()),
        new DatasetTestSplits(store, Path.of(config.spoolDirectory())),
        new RegistryChampions(registry),
        tracker,
        publisher::publish,
        config::policyFor,
        config.batchSize());
  }
}
