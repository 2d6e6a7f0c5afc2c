package dev.tuneloop.tracking;

import org.mlflow.tracking.MlflowClient;

/**
 * One configured connection to an MLflow server, and the clients that share it: {@link #tracking()}
 * (experiments, runs), {@link #registry()} (registered models, versions, aliases) and {@link
 * #artifacts()} (run artifacts).
 *
 * <p>Opening connects to nothing: the first call does. Close it when done (it holds the Java
 * client's connection pool). Thread-safe; one per process is enough.
 */
public final class MlflowConnection implements AutoCloseable {

  private final TrackingSettings settings;
  private final MlflowClient javaClient;
  private final TrackingClient tracking;
  private final ModelRegistryClient registry;
  private final ArtifactClient artifacts;

  private MlflowConnection(TrackingSettings settings) {
    this.settings = settings;
    Retrier retrier = new Retrier(settings.retry());
    MlflowHttp http = new MlflowHttp(settings);
    this.javaClient = MlflowJavaClientFactory.create(settings);
    this.tracking = new TrackingClient(javaClient, retrier, http.serverUri());
    this.registry = new ModelRegistryClient(http, retrier);
    this.artifacts = new ArtifactClient(http, retrier);
  }

  /** A connection with these settings. */
  public static MlflowConnection open(TrackingSettings settings) {
    return new MlflowConnection(settings);
  }

  /** A connection to {@code uri} with default timeouts and retries. */
  public static MlflowConnection open(String uri) {
    return open(TrackingSettings.forUri(uri));
  }

  /** The settings of this connection. */
  public TrackingSettings settings() {
    return settings;
  }

  /** Experiments and runs. */
  public TrackingClient tracking() {
    return tracking;
  }

  /** Registered models, model versions and aliases. */
  public ModelRegistryClient registry() {
    return registry;
  }

  /** Run artifacts. */
  public ArtifactClient artifacts() {
    return artifacts;
  }

  /** Releases the Java client's connections. */
  @Override
  public void close() {
    javaClient.close();
  }
}
