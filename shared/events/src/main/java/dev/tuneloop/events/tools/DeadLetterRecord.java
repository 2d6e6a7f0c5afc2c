package dev.tuneloop.events.tools;

import dev.tuneloop.events.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * What an operator needs to know about one record on a dead-letter topic, read from its headers,
 * and how it is republished.
 *
 * @param dlqTopic the dead-letter topic
 * @param partition its partition
 * @param offset its offset there
 * @param time when it was dead-lettered (the record's timestamp)
 * @param key the record key as UTF-8 text (null: no key)
 * @param ceType the CloudEvents type ({@code ce_type}), null if absent
 * @param ceId the CloudEvents id ({@code ce_id}), null if absent
 * @param reason {@code dead-letter-reason}: why it failed
 * @param cause {@code dead-letter-cause}: the failure's cause, if any
 * @param exceptionClass {@code dead-letter-exception-class-name}
 * @param failedTopic {@code dead-letter-topic}: where it was consumed when it failed
 * @param failedPartition {@code dead-letter-partition}
 * @param failedOffset {@code dead-letter-offset}
 * @param replayedFrom {@code tuneloop-replayed-from}: set when the failed record was itself a
 *     replay
 * @param valueBytes size of the value in bytes (-1: null value)
 */
public record DeadLetterRecord(
    String dlqTopic,
    int partition,
    long offset,
    Instant time,
    @Nullable String key,
    @Nullable String ceType,
    @Nullable String ceId,
    @Nullable String reason,
    @Nullable String cause,
    @Nullable String exceptionClass,
    @Nullable String failedTopic,
    @Nullable String failedPartition,
    @Nullable String failedOffset,
    @Nullable String replayedFrom,
    int valueBytes) {

  /** Reads the description of a record consumed from a dead-letter topic. */
  public static DeadLetterRecord of(ConsumerRecord<byte[], byte[]> record) {
    Headers headers = record.headers();
    return new DeadLetterRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        Instant.ofEpochMilli(record.timestamp()),
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        DeadLetterHeaders.text(headers, CloudEventHeaders.TYPE),
        DeadLetterHeaders.text(headers, CloudEventHeaders.ID),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.REASON),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.CAUSE),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_CLASS_NAME),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.TOPIC),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.PARTITION),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.OFFSET),
        DeadLetterHeaders.text(headers, DeadLetterHeaders.REPLAYED_FROM),
        record.value() == null ? -1 : record.value().length);
  }

  /** This record's value of {@link DeadLetterHeaders#REPLAYED_FROM} once it is republished. */
  public String replayMarker() {
    return DeadLetterHeaders.replayedFrom(dlqTopic, partition, offset);
  }

  /**
   * Whether this record may be republished to {@code topic}: a record whose {@code
   * dead-letter-topic} names another topic is not (it was routed to this DLQ by mistake).
   */
  public boolean belongsTo(String topic) {
    return failedTopic == null || failedTopic.equals(topic);
  }

  /**
   * The lines {@code list} prints for this record.
   *
   * @param replayed whether the replay group's committed offset is past this record
   */
  public List<String> describe(boolean replayed) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "p"
            + partition
            + "@"
            + offset
            + "  "
            + time
            + "  key="
            + orDash(key)
            + "  ce_type="
            + orDash(ceType)
            + "  ce_id="
            + orDash(ceId)
            + "  "
            + (valueBytes < 0 ? "null value" : valueBytes + " bytes")
            + (replayed ? "  [replayed]" : ""));
    lines.add(
        "    failed on "
            + orDash(failedTopic)
            + " partition "
            + orDash(failedPartition)
            + " offset "
            + orDash(failedOffset)
            + (exceptionClass == null ? "" : " with " + exceptionClass));
    lines.add("    reason: " + oneLine(reason));
    if (cause != null) {
      lines.add("    cause:  " + oneLine(cause));
    }
    if (replayedFrom != null) {
      lines.add("    was itself replayed from " + replayedFrom);
    }
    return lines;
  }

  /**
   * The record to republish for {@code record} (consumed from a dead-letter topic) to {@code
   * topic}: same key, value and headers in the same order, without SmallRye's {@code dead-letter-*}
   * headers and any earlier {@link DeadLetterHeaders#REPLAYED_FROM}, plus a {@link
   * DeadLetterHeaders#REPLAYED_FROM} naming this dead-letter record. The partition is left to the
   * producer's partitioner, which puts a keyed record where its key belongs, as it did the first
   * time.
   */
  public static ProducerRecord<byte[], byte[]> replay(
      ConsumerRecord<byte[], byte[]> record, String topic) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!DeadLetterHeaders.isDeadLetterHeader(header.key())
          && !header.key().equals(DeadLetterHeaders.REPLAYED_FROM)) {
        headers.add(header);
      }
    }
    headers.add(
        DeadLetterHeaders.REPLAYED_FROM,
        DeadLetterHeaders.replayedFrom(record.topic(), record.partition(), record.offset())
            .getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers);
  }

  private static String orDash(@Nullable String value) {
    return value == null ? "-" : value;
  }

  private static String oneLine(@Nullable String value) {
    if (value == null) {
      return "- (no dead-letter-reason header: not written by SmallRye's dead-letter queue)";
    }
    String flat = value.replaceAll("\\s*\\R\\s*", " | ");
    return flat.length() > 500 ? flat.substring(0, 500) + "..." : flat;
  }
}
