package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.TuneloopEvent;

/** Where a job's events go (Kafka in the service). */
public interface JobEvents {

  /**
   * Publishes an event and returns once the broker acknowledged it.
   *
   * @throws RuntimeException if it was not acknowledged
   */
  void publish(EventEnvelope<? extends TuneloopEvent> event);
}
