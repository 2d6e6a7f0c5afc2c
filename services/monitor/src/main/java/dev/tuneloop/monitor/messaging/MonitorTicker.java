package dev.tuneloop.monitor.messaging;

import dev.tuneloop.monitor.config.MonitorConfig;
import dev.tuneloop.monitor.domain.MonitorEngine;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The monitor's clock, on its own thread: closes windows whose time is up, publishes late-feedback
 * updates, and retries reference profiles that could not be read.
 */
@ApplicationScoped
public class MonitorTicker {

  private static final Logger LOG = Logger.getLogger(MonitorTicker.class);

  private final MonitorEngine engine;
  private final ReportPublisher reports;
  private final DeploymentTracker deployments;
  private final MonitorConfig config;
  private ScheduledExecutorService scheduler;
  private long lastProfileRetry;

  MonitorTicker(
      MonitorEngine engine,
      ReportPublisher reports,
      DeploymentTracker deployments,
      MonitorConfig config) {
    this.engine = engine;
    this.reports = reports;
    this.deployments = deployments;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "monitor-ticker");
              t.setDaemon(true);
              return t;
            });
    long period = config.tickInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** One tick; failures are logged and the next tick tries again (reports stay queued). */
  void tick() {
    try {
      reports.publish(engine.tick(Instant.now()));
    } catch (RuntimeException e) {
      LOG.errorf(
          e,
          "publishing window reports failed, %d queued for the next tick: %s",
          reports.pending(),
          e.getMessage());
    }
    try {
      long now = System.currentTimeMillis();
      if (now - lastProfileRetry >= config.profileRetryInterval().toMillis()) {
        lastProfileRetry = now;
        deployments.retryMissing();
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "retrying reference profiles failed: %s", e.getMessage());
    }
  }
}
