package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.TuneloopEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Decoding of consumed Kafka messages into tuneloop events. */
final class EventDecoding {

  private EventDecoding() {}

  /** The Kafka key of {@code message}, if it has one. */
  static String key(Message<byte[]> message) {
    return message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(m -> m.getKey() == null ? null : m.getKey().toString())
        .orElse(null);
  }

  /**
   * The event in {@code message}.
   *
   * @throws dev.tuneloop.events.InvalidEventException when it cannot be decoded (the caller nacks,
   *     so it goes to the dead-letter topic with this cause)
   */
  static <T extends TuneloopEvent> EventEnvelope<T> decode(Message<byte[]> message, Class<T> type) {
    Headers headers =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> (Headers) m.getHeaders())
            .orElseGet(RecordHeaders::new);
    return EventEnvelope.decode(headers, message.getPayload(), type);
  }
}
