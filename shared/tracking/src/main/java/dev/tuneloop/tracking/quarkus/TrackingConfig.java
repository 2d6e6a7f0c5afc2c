package dev.tuneloop.tracking.quarkus;

import dev.tuneloop.tracking.RetryPolicy;
import dev.tuneloop.tracking.TrackingSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How a tuneloop service reaches MLflow ({@code tuneloop.tracking.*}). */
@ConfigMapping(prefix = "tuneloop.tracking")
public interface TrackingConfig {

  /**
   * MLflow tracking server URL (env {@code TUNELOOP_TRACKING_URI}); the local stack's by default.
   */
  @WithDefault("http://127.0.0.1:5000")
  String uri();

  /** How long to wait for a TCP connection to MLflow. */
  @WithDefault("5s")
  Duration connectTimeout();

  /** How long one MLflow API call may take before it counts as failed (and is retried). */
  @WithDefault("30s")
  Duration requestTimeout();

  /** How long one artifact upload or download may take (model files can be large). */
  @WithDefault("10m")
  Duration artifactTimeout();

  /** How long the readiness check waits for MLflow's {@code /health}. */
  @WithDefault("2s")
  Duration healthTimeout();

  /** Retries of transient failures (connection errors, timeouts, HTTP 429 and 5xx). */
  Retry retry();

  /** Retries of transient failures: exponential backoff with jitter, bounded twice. */
  interface Retry {

    /** Attempts in total, the first included (1 disables retries). */
    @WithDefault("5")
    int maxAttempts();

    /** Backoff before the second attempt; it doubles after each failure. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** Largest backoff between two attempts. */
    @WithDefault("5s")
    Duration maxBackoff();

    /** No new attempt starts once this much time has passed since the first. */
    @WithDefault("30s")
    Duration maxElapsed();
  }

  /** These settings as the plain {@link TrackingSettings} of the clients. */
  default TrackingSettings toSettings() {
    return new TrackingSettings(
        TrackingSettings.parse(uri()),
        connectTimeout(),
        requestTimeout(),
        artifactTimeout(),
        new RetryPolicy(
            retry().maxAttempts(),
            retry().initialBackoff(),
            retry().maxBackoff(),
            retry().maxElapsed()));
  }
}
