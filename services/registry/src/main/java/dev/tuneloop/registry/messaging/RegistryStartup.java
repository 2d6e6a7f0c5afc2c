package dev.tuneloop.registry.messaging;

import dev.tuneloop.registry.config.RegistryConfig;
import dev.tuneloop.registry.domain.RolloutEngine;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * At startup: restores the engine (by creating it) and then decides running rollouts every {@code
 * evaluation-interval}, so a step whose minimum duration expires advances even when no new health
 * window arrives. A failed decision (MLflow or Kafka down) is logged and retried at the next tick.
 */
@Startup
@Singleton
public class RegistryStartup {

  private static final Logger LOG = Logger.getLogger(RegistryStartup.class);

  private final RolloutEngine engine;
  private final RegistryConfig config;
  private ScheduledExecutorService ticker;

  RegistryStartup(RolloutEngine engine, RegistryConfig config) {
    this.engine = engine;
    this.config = config;
  }

  @PostConstruct
  void start() {
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tuneloop-rollout-ticker");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(50, config.evaluationInterval().toMillis());
    ticker.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      engine.tick();
    } catch (RuntimeException e) {
      LOG.errorf(
          e, "deciding running rollouts failed; retrying in %s", config.evaluationInterval());
    }
  }

  @PreDestroy
  void stop() {
    ticker.shutdownNow();
  }
}
