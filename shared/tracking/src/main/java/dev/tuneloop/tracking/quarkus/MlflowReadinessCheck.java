package dev.tuneloop.tracking.quarkus;

import dev.tuneloop.tracking.MlflowHealthProbe;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code mlflow}: UP when MLflow answers {@code GET /health} within {@code
 * tuneloop.tracking.health-timeout}. Never throws; when DOWN, the {@code error} data says why.
 */
@Readiness
@Singleton
public class MlflowReadinessCheck implements HealthCheck {

  /** The name of the check in {@code /q/health/ready}. */
  public static final String NAME = "mlflow";

  private final MlflowHealthProbe probe;

  /** Probes the server of {@code config}. */
  @Inject
  public MlflowReadinessCheck(TrackingConfig config) {
    this(new MlflowHealthProbe(config.uri(), config.healthTimeout()));
  }

  /** Reports what {@code probe} finds. */
  public MlflowReadinessCheck(MlflowHealthProbe probe) {
    this.probe = probe;
  }

  @Override
  public HealthCheckResponse call() {
    MlflowHealthProbe.Result result = probe.probe();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named(NAME)
            .status(result.up())
            .withData("uri", result.uri())
            .withData("latencyMs", result.latency().toMillis());
    if (!result.up()) {
      response.withData("error", result.detail());
    }
    return response.build();
  }
}
