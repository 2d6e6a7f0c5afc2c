package dev.tuneloop.registry.domain;

import dev.tuneloop.events.DeploymentState;

/** Where deployment states are published (the compacted Kafka topic in production). */
public interface StateSink {

  /** Publishes {@code state} durably, or throws. */
  void publish(DeploymentState state);
}
