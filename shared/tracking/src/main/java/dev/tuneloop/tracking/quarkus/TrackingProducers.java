package dev.tuneloop.tracking.quarkus;

import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.MlflowConnection;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.TrackingClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * CDI beans for the MLflow clients, built from {@link TrackingConfig}: inject {@link
 * TrackingClient}, {@link ModelRegistryClient} or {@link ArtifactClient}. One {@link
 * MlflowConnection} serves them all; it is closed when the application stops. Nothing connects
 * before the first call.
 */
@Singleton
public class TrackingProducers {

  /** The connection the clients share. */
  @Produces
  @Singleton
  MlflowConnection connection(TrackingConfig config) {
    return MlflowConnection.open(config.toSettings());
  }

  /** Closes the connection on shutdown. */
  void close(@Disposes MlflowConnection connection) {
    connection.close();
  }

  /** Experiments and runs. */
  @Produces
  @Singleton
  TrackingClient tracking(MlflowConnection connection) {
    return connection.tracking();
  }

  /** Registered models, versions and aliases. */
  @Produces
  @Singleton
  ModelRegistryClient registry(MlflowConnection connection) {
    return connection.registry();
  }

  /** Run artifacts. */
  @Produces
  @Singleton
  ArtifactClient artifacts(MlflowConnection connection) {
    return connection.artifacts();
  }
}
