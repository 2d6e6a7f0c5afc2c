package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventHeadersTest {

  private static final EventMetadata METADATA =
      new EventMetadata(
          UUID.fromString("3f2a7c1e-8d4b-4f6a-9c2e-1b5d7e9f0a12"),
          TrainingStatus.TYPE,
          "tuneloop/trainer",
          "job-42",
          Instant.parse("2026-11-24T10:15:30.123456Z"),
          "loop-7",
          EventMetadata.SPEC_VERSION,
          EventMetadata.JSON);

  static Stream<TuneloopEvent> samples() {
    return SampleEvents.variants().stream();
  }

  @Test
  void headersUseTheCloudEventsKafkaBindingNames() {
    Headers headers = new RecordHeaders();

    CloudEventHeaders.write(METADATA, headers);

    assertThat(asMap(headers))
        .containsExactly(
            Map.entry("ce_specversion", "1.0"),
            Map.entry("ce_id", "3f2a7c1e-8d4b-4f6a-9c2e-1b5d7e9f0a12"),
            Map.entry("ce_type", "dev.tuneloop.training.status.v1"),
            Map.entry("ce_source", "tuneloop/trainer"),
            Map.entry("ce_subject", "job-42"),
            Map.entry("ce_time", "2026-11-24T10:15:30.123456Z"),
            Map.entry("ce_correlationid", "loop-7"),
            Map.entry("content-type", "application/json"));
  }

  @Test
  void metadataSurvivesHeaderRoundTrip() {
    Headers headers = new RecordHeaders();
    CloudEventHeaders.write(METADATA, headers);

    assertThat(CloudEventHeaders.read(headers)).isEqualTo(METADATA);
  }

  @Test
  void writeReplacesOldCloudEventHeadersAndKeepsOthers() {
    Headers headers = new RecordHeaders();
    headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
    CloudEventHeaders.write(METADATA, headers);
    EventMetadata next =
        EventMetadata.causedBy(METADATA, SampleEvents.modelTrained(), "tuneloop/trainer");

    CloudEventHeaders.write(next, headers);

    assertThat(headers.headers("ce_id")).hasSize(1);
    assertThat(headers.lastHeader("traceparent")).isNotNull();
    assertThat(CloudEventHeaders.read(headers)).isEqualTo(next);
  }

  @Test
  void readsWhatSmallRyeWrites() {
    // SmallRye formats ce_time with ISO_OFFSET_DATE_TIME of a zoned time and adds
    // ce_datacontenttype; a producer's local offset must give the same instant.
    Headers headers = new RecordHeaders();
    CloudEventHeaders.write(METADATA, headers);
    headers.remove("ce_time");
    headers.add("ce_time", "2026-11-24T11:15:30.123456+01:00".getBytes(StandardCharsets.UTF_8));
    headers.remove("content-type");
    headers.add("ce_datacontenttype", "application/json".getBytes(StandardCharsets.UTF_8));

    assertThat(CloudEventHeaders.read(headers)).isEqualTo(METADATA);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ce_specversion",
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_subject",
        "ce_time",
        "ce_correlationid",
        "content-type"
      })
  void aMissingHeaderIsNamed(String header) {
    Headers headers = new RecordHeaders();
    CloudEventHeaders.write(METADATA, headers);
    headers.remove(header);

    assertThatThrownBy(() -> CloudEventHeaders.read(headers))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(header)
        .hasMessageContaining("missing");
  }

  @Test
  void malformedHeadersAreNamed() {
    assertThatThrownBy(() -> CloudEventHeaders.read(with("ce_id", "not-a-uuid")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("Header ce_id must be a UUID, was 'not-a-uuid'");
    assertThatThrownBy(() -> CloudEventHeaders.read(with("ce_time", "yesterday")))
        .hasMessage("Header ce_time must be an RFC 3339 time, was 'yesterday'");
    assertThatThrownBy(() -> CloudEventHeaders.read(with("ce_specversion", "0.3")))
        .hasMessageContaining("specVersion must be 1.0, was '0.3'");
    assertThatThrownBy(() -> CloudEventHeaders.read(with("content-type", "application/avro")))
        .hasMessageContaining("dataContentType must be application/json");
    assertThatThrownBy(() -> CloudEventHeaders.read(with("ce_source", "not a uri")))
        .hasMessageContaining("source must be a URI reference");
  }

  @Test
  void causedByKeepsTheCorrelationAndStartLoopMakesANewOne() {
    TrainingRequested request = SampleEvents.trainingRequested();
    EventMetadata first = EventMetadata.startLoop(request, "tuneloop/monitor");
    EventMetadata second = EventMetadata.startLoop(request, "tuneloop/monitor");
    EventMetadata caused =
        EventMetadata.causedBy(first, SampleEvents.trainingStatusRunning(), "tuneloop/trainer");

    assertThat(first.correlationId()).isNotEqualTo(second.correlationId());
    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(caused.correlationId()).isEqualTo(first.correlationId());
    assertThat(caused.id()).isNotEqualTo(first.id());
    assertThat(caused.type()).isEqualTo(TrainingStatus.TYPE);
    assertThat(caused.subject()).isEqualTo("job-42");
    assertThat(caused.source()).isEqualTo("tuneloop/trainer");
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyEventSurvivesTheKafkaRecordRoundTrip(TuneloopEvent event) {
    EventEnvelope<TuneloopEvent> envelope = EventEnvelope.startLoop(event, "tuneloop/test");

    ProducerRecord<String, byte[]> produced = envelope.toProducerRecord();
    EventEnvelope<TuneloopEvent> consumed = EventEnvelope.fromConsumerRecord(consumed(produced));

    assertThat(produced.topic()).isEqualTo(EventType.of(event).topic());
    assertThat(produced.key()).isEqualTo(event.key());
    assertThat(consumed).isEqualTo(envelope);
    assertThat(EventEnvelope.fromConsumerRecord(consumed(produced), event.getClass()).data())
        .isEqualTo(event);
  }

  @Test
  void aRecordOfAnotherTypeIsRejectedWhenOneTypeIsExpected() {
    ProducerRecord<String, byte[]> produced =
        EventEnvelope.startLoop(SampleEvents.feedback(), "tuneloop/serving").toProducerRecord();

    assertThatThrownBy(() -> EventEnvelope.fromConsumerRecord(consumed(produced), Prediction.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(
            "Expected an event of type dev.tuneloop.prediction.v1 but the record has"
                + " dev.tuneloop.feedback.v1");
  }

  @Test
  void metadataMustDescribeItsData() {
    Feedback feedback = SampleEvents.feedback();
    EventMetadata forOther = EventMetadata.startLoop(SampleEvents.prediction(), "tuneloop/serving");
    EventMetadata otherSubject =
        new EventMetadata(
            UUID.randomUUID(),
            Feedback.TYPE,
            "tuneloop/serving",
            "other-model",
            Instant.now(),
            "c",
            EventMetadata.SPEC_VERSION,
            EventMetadata.JSON);

    assertThatThrownBy(() -> new EventEnvelope<>(forOther, feedback))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> new EventEnvelope<>(otherSubject, feedback))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("subject 'other-model'");
  }

  @Test
  void aRecordWithoutValueIsRejected() {
    Headers headers = new RecordHeaders();
    CloudEventHeaders.write(EventMetadata.startLoop(SampleEvents.feedback(), "s"), headers);

    assertThatThrownBy(() -> EventEnvelope.decode(headers, null))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("no value");
  }

  private static Headers with(String header, String value) {
    Headers headers = new RecordHeaders();
    CloudEventHeaders.write(METADATA, headers);
    headers.remove(header);
    headers.add(header, value.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> produced) {
    return new ConsumerRecord<>(
        produced.topic(),
        0,
        0L,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        produced.key(),
        produced.value(),
        new RecordHeaders(produced.headers().toArray()),
        Optional.empty());
  }

  private static Map<String, String> asMap(Headers headers) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Header header : headers) {
      map.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return map;
  }
}
