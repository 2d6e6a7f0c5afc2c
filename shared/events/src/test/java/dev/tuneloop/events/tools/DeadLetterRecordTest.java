package dev.tuneloop.events.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterRecordTest {

  private static final byte[] VALUE = "{\"datasetName\":\"spam\"}".getBytes(StandardCharsets.UTF_8);

  private static Headers deadLetterHeaders() {
    Headers headers = new RecordHeaders();
    add(headers, "ce_specversion", "1.0");
    add(headers, "ce_id", "7f9c0a4e-7f55-4c1e-9a34-1d2c6a1f0b11");
    add(headers, "ce_type", "dev.tuneloop.data.ingested.v1");
    add(headers, "content-type", "application/json");
    add(headers, "dead-letter-reason", "Invalid CloudEvents headers: Header ce_time is missing");
    add(headers, "dead-letter-cause", "line one\n  line two");
    add(headers, "dead-letter-exception-class-name", "dev.tuneloop.events.InvalidEventException");
    add(headers, "dead-letter-topic", "tuneloop.data.ingested");
    add(headers, "dead-letter-partition", "2");
    add(headers, "dead-letter-offset", "41");
    return headers;
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static ConsumerRecord<byte[], byte[]> record(Headers headers, byte[] key, byte[] value) {
    return new ConsumerRecord<>(
        "tuneloop.data.ingested.dlq",
        1,
        17L,
        1_790_000_000_000L,
        TimestampType.CREATE_TIME,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  private static List<String> names(Headers headers) {
    return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
  }

  @Test
  void readsWhatFailedWhereAndWhy() {
    DeadLetterRecord entry =
        DeadLetterRecord.of(
            record(deadLetterHeaders(), "spam".getBytes(StandardCharsets.UTF_8), VALUE));

    assertThat(entry.key()).isEqualTo("spam");
    assertThat(entry.ceType()).isEqualTo("dev.tuneloop.data.ingested.v1");
    assertThat(entry.ceId()).isEqualTo("7f9c0a4e-7f55-4c1e-9a34-1d2c6a1f0b11");
    assertThat(entry.reason()).contains("ce_time is missing");
    assertThat(entry.failedTopic()).isEqualTo("tuneloop.data.ingested");
    assertThat(entry.failedPartition()).isEqualTo("2");
    assertThat(entry.failedOffset()).isEqualTo("41");
    assertThat(entry.replayMarker()).isEqualTo("tuneloop.data.ingested.dlq:1:17");
    assertThat(entry.belongsTo("tuneloop.data.ingested")).isTrue();
    assertThat(entry.belongsTo("tuneloop.feedback")).isFalse();

    List<String> lines = entry.describe(true);
    assertThat(lines.get(0))
        .startsWith("p1@17  2026-")
        .contains("key=spam", "ce_type=dev.tuneloop.data.ingested.v1", "[replayed]");
    assertThat(lines)
        .contains(
            "    failed on tuneloop.data.ingested partition 2 offset 41 with"
                + " dev.tuneloop.events.InvalidEventException",
            "    reason: Invalid CloudEvents headers: Header ce_time is missing",
            "    cause:  line one | line two");
  }

  @Test
  void describesARecordWithoutHeadersOrKey() {
    DeadLetterRecord entry = DeadLetterRecord.of(record(new RecordHeaders(), null, null));

    assertThat(entry.belongsTo("anything")).isTrue();
    List<String> lines = entry.describe(false);
    assertThat(lines.get(0))
        .contains("key=-", "ce_id=-", "null value")
        .doesNotContain("[replayed]");
    assertThat(lines.get(2)).contains("no dead-letter-reason header");
  }

  @Test
  void replayKeepsKeyValueAndEventHeadersAndDropsDeadLetterHeaders() {
    Headers headers = deadLetterHeaders();
    add(headers, "tuneloop-replayed-from", "tuneloop.data.ingested.dlq:0:3");
    byte[] key = "spam".getBytes(StandardCharsets.UTF_8);

    ProducerRecord<byte[], byte[]> replay =
        DeadLetterRecord.replay(record(headers, key, VALUE), "tuneloop.data.ingested");

    assertThat(replay.topic()).isEqualTo("tuneloop.data.ingested");
    assertThat(replay.partition()).isNull();
    assertThat(replay.key()).isEqualTo(key);
    assertThat(replay.value()).isEqualTo(VALUE);
    assertThat(names(replay.headers()))
        .containsExactly(
            "ce_specversion", "ce_id", "ce_type", "content-type", "tuneloop-replayed-from");
    assertThat(DeadLetterHeaders.text(replay.headers(), "tuneloop-replayed-from"))
        .isEqualTo("tuneloop.data.ingested.dlq:1:17");
    assertThat(DeadLetterHeaders.text(replay.headers(), "ce_id"))
        .isEqualTo("7f9c0a4e-7f55-4c1e-9a34-1d2c6a1f0b11");
  }

  @Test
  void deadLetterHeaderNamesAreSmallRyes() {
    assertThat(DeadLetterHeaders.REASON).isEqualTo("dead-letter-reason");
    assertThat(DeadLetterHeaders.CAUSE).isEqualTo("dead-letter-cause");
    assertThat(DeadLetterHeaders.TOPIC).isEqualTo("dead-letter-topic");
    assertThat(DeadLetterHeaders.PARTITION).isEqualTo("dead-letter-partition");
    assertThat(DeadLetterHeaders.OFFSET).isEqualTo("dead-letter-offset");
    assertThat(DeadLetterHeaders.isDeadLetterHeader("dead-letter-cause-class-name")).isTrue();
    assertThat(DeadLetterHeaders.isDeadLetterHeader("ce_type")).isFalse();
  }
}
