package dev.tuneloop.storage.quarkus;

import dev.tuneloop.storage.ObjectStoreProbe;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME}: the S3 endpoint answers and the configured buckets exist. Short
 * timeouts, no retries; it never throws, a problem is reported DOWN with the reason in {@code
 * error}.
 */
@Readiness
@ApplicationScoped
public class ObjectStoreReadinessCheck implements HealthCheck {

  /** The name of the check in {@code /q/health/ready}. */
  public static final String NAME = "object-store";

  private final Supplier<ObjectStoreProbe> probeFactory;
  private ObjectStoreProbe probe;

  /** The check for the service's configuration; the probe is built on the first call. */
  @Inject
  public ObjectStoreReadinessCheck(StorageConfig config) {
    this(
        () ->
            new ObjectStoreProbe(
                ObjectStoreProducer.toSettings(config),
                config.buckets(),
                config.health().timeout()));
  }

  /** A check over a given probe factory (which may throw; that is reported DOWN too). */
  public ObjectStoreReadinessCheck(Supplier<ObjectStoreProbe> probeFactory) {
    this.probeFactory = Objects.requireNonNull(probeFactory, "probeFactory");
  }

  @Override
  public synchronized HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
    ObjectStoreProbe.Result result;
    try {
      if (probe == null) {
        probe = probeFactory.get();
      }
      result = probe.check();
    } catch (RuntimeException e) {
      // Invalid or missing configuration: the service is not ready, and says why.
      return response.down().withData("error", String.valueOf(e.getMessage())).build();
    }
    response
        .status(result.up())
        .withData("endpoint", result.endpoint())
        .withData("buckets", String.join(",", result.buckets()));
    if (!result.missingBuckets().isEmpty()) {
      response.withData("missing-buckets", String.join(",", result.missingBuckets()));
    }
    if (result.error() != null) {
      response.withData("error", result.error());
    }
    return response.build();
  }

  @PreDestroy
  synchronized void close() {
    if (probe != null) {
      probe.close();
    }
  }
}
