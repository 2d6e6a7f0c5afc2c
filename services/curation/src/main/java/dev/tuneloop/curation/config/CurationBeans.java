package dev.tuneloop.curation.config;

import dev.tuneloop.curation.domain.BatchIngestor;
import dev.tuneloop.curation.domain.CurationPipeline;
import dev.tuneloop.curation.domain.DatasetRepository;
import dev.tuneloop.curation.messaging.EventPublisher;
import dev.tuneloop.curation.messaging.MlflowVersionTracker;
import dev.tuneloop.storage.ObjectStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Wires the plain domain classes to the object store, Kafka and MLflow. */
@Singleton
public class CurationBeans {

  /** Datasets in the object store. */
  @Produces
  @Singleton
  DatasetRepository repository(ObjectStore store, CurationConfig config) {
    return new DatasetRepository(store, Path.of(config.spoolDirectory()));
  }

  /** Curation of announced batches. */
  @Produces
  @Singleton
  CurationPipeline pipeline(
      DatasetRepository repository,
      CurationConfig config,
      MlflowVersionTracker tracker,
      EventPublisher publisher) {
    return new CurationPipeline(
        repository, config::policy, tracker, publisher::publish, BatchIngestor.SOURCE);
  }

  /** Uploads into the raw bucket. */
  @Produces
  @Singleton
  BatchIngestor ingestor(
      ObjectStore store,
      DatasetRepository repository,
      CurationConfig config,
      EventPublisher publisher) {
    return new BatchIngestor(
        store,
        repository,
        Path.of(config.spoolDirectory()),
        config.maxUploadBytes(),
        publisher::publish);
  }
}
