package dev.tuneloop.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An event as it travels on Kafka: CloudEvents metadata (headers) and data (JSON value).
 *
 * <p>Producing with kafka-clients: {@code producer.send(envelope.toProducerRecord())}. Consuming:
 * {@code EventEnvelope.fromConsumerRecord(record, TrainingRequested.class)}. With SmallRye Reactive
 * Messaging, take the {@code byte[]} payload and the record headers from {@code
 * IncomingKafkaRecordMetadata} and call {@link #decode(Headers, byte[], Class)}; an {@link
 * InvalidEventException} from there belongs on the dead-letter topic.
 *
 * @param metadata the CloudEvents attributes
 * @param data the event
 * @param <T> the event record
 */
public record EventEnvelope<T extends TuneloopEvent>(EventMetadata metadata, T data) {

  /** Checks that the metadata describes the data: same type, subject equal to the event's key. */
  public EventEnvelope {
    Require.present(metadata, "metadata");
    Require.present(data, "data");
    String expectedType = EventType.of(data).type();
    if (!expectedType.equals(metadata.type())) {
      throw new InvalidEventException(
          "metadata type '" + metadata.type() + "' does not match the data's type " + expectedType);
    }
    if (!data.key().equals(metadata.subject())) {
      throw new InvalidEventException(
          "metadata subject '"
              + metadata.subject()
              + "' does not match the event's key '"
              + data.key()
              + "'");
    }
  }

  /** An envelope for an event that starts a new loop iteration (fresh correlation id). */
  public static <T extends TuneloopEvent> EventEnvelope<T> startLoop(T data, String source) {
    return new EventEnvelope<>(EventMetadata.startLoop(data, source), data);
  }

  /** An envelope for an event caused by {@code cause}: it keeps the cause's correlation id. */
  public static <T extends TuneloopEvent> EventEnvelope<T> causedBy(
      EventEnvelope<?> cause, T data, String source) {
    Require.present(cause, "cause");
    return new EventEnvelope<>(EventMetadata.causedBy(cause.metadata(), data, source), data);
  }

  /** The event's type. */
  public EventType type() {
    return EventType.of(data);
  }

  /** The JSON value of the Kafka record. */
  public byte[] encodeData() {
    return EventJson.encode(data);
  }

  /** Writes the CloudEvents headers of this event into {@code headers}. */
  public void writeHeaders(Headers headers) {
    CloudEventHeaders.write(metadata, headers);
  }

  /**
   * The Kafka record to publish: the event type's topic, key = subject, CloudEvents headers, JSON
   * value.
   */
  public ProducerRecord<String, byte[]> toProducerRecord() {
    Headers headers = new RecordHeaders();
    writeHeaders(headers);
    return new ProducerRecord<>(type().topic(), null, metadata.subject(), encodeData(), headers);
  }

  /**
   * Decodes an event from Kafka headers and a JSON value, whatever its type.
   *
   * @throws InvalidEventException if a header is missing or malformed, the type is unknown, or the
   *     data breaks the type's contract
   */
  public static EventEnvelope<TuneloopEvent> decode(Headers headers, byte[] value) {
    EventMetadata metadata = CloudEventHeaders.read(headers);
    if (value == null) {
      throw new InvalidEventException(
          "Record of type " + metadata.type() + " has no value (a tombstone?)");
    }
    return new EventEnvelope<>(metadata, EventJson.decode(metadata.type(), value));
  }

  /**
   * Decodes an event that must be of type {@code javaType}, as on a topic with one event type.
   *
   * @throws InvalidEventException as {@link #decode(Headers, byte[])}, and when the record holds
   *     another event type
   */
  public static <T extends TuneloopEvent> EventEnvelope<T> decode(
      Headers headers, byte[] value, Class<T> javaType) {
    EventMetadata metadata = CloudEventHeaders.read(headers);
    String expected = EventType.of(javaType).type();
    if (!expected.equals(metadata.type())) {
      throw new InvalidEventException(
          "Expected an event of type " + expected + " but the record has " + metadata.type());
    }
    if (value == null) {
      throw new InvalidEventException(
          "Record of type " + metadata.type() + " has no value (a tombstone?)");
    }
    return new EventEnvelope<>(metadata, EventJson.decode(javaType, value));
  }

  /**
   * Decodes a consumed Kafka record whatever its event type; see {@link #decode(Headers, byte[])}.
   */
  public static EventEnvelope<TuneloopEvent> fromConsumerRecord(ConsumerRecord<?, byte[]> record) {
    return decode(record.headers(), record.value());
  }

  /**
   * Decodes a consumed Kafka record that must hold a {@code javaType} event; see {@link
   * #decode(Headers, byte[], Class)}.
   */
  public static <T extends TuneloopEvent> EventEnvelope<T> fromConsumerRecord(
      ConsumerRecord<?, byte[]> record, Class<T> javaType) {
    return decode(record.headers(), record.value(), javaType);
  }
}
