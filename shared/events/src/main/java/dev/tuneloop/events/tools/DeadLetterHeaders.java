package dev.tuneloop.events.tools;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Names of the Kafka headers on a dead-letter record, and of the header {@link DeadLetters} adds to
 * a replayed one.
 *
 * <p>The {@code dead-letter-*} names are the ones SmallRye Reactive Messaging's Kafka connector
 * writes with {@code failure-strategy=dead-letter-queue} (constants of its {@code
 * KafkaDeadLetterQueue}, checked against smallrye-reactive-messaging-kafka 4.33). SmallRye keeps
 * the failed record's own key, value and headers (the CloudEvents {@code ce_*} headers included)
 * and adds these.
 */
public final class DeadLetterHeaders {

  /** Prefix of every header SmallRye adds to a dead-letter record. */
  public static final String PREFIX = "dead-letter-";

  /** The failure's message (the exception's message, or its class name when it has none). */
  public static final String REASON = PREFIX + "reason";

  /** The message of the failure's cause, when the exception had one. */
  public static final String CAUSE = PREFIX + "cause";

  /** The failure's exception class. */
  public static final String EXCEPTION_CLASS_NAME = PREFIX + "exception-class-name";

  /** The class of the failure's cause, when the exception had one. */
  public static final String CAUSE_CLASS_NAME = PREFIX + "cause-class-name";

  /** The topic the failed record was consumed from. */
  public static final String TOPIC = PREFIX + "topic";

  /** The partition the failed record was consumed from. */
  public static final String PARTITION = PREFIX + "partition";

  /** The offset of the failed record in its original partition. */
  public static final String OFFSET = PREFIX + "offset";

  /**
   * Added by a replay: {@code <dlq topic>:<partition>:<offset>} of the dead-letter record a
   * republished record was copied from, so a replayed record can be told apart and traced back.
   */
  public static final String REPLAYED_FROM = "tuneloop-replayed-from";

  private DeadLetterHeaders() {}

  /** Whether {@code name} is one of the headers SmallRye adds to a dead-letter record. */
  public static boolean isDeadLetterHeader(String name) {
    return name.startsWith(PREFIX);
  }

  /** The value of {@link #REPLAYED_FROM} for a record at {@code offset} of {@code partition}. */
  public static String replayedFrom(String dlqTopic, int partition, long offset) {
    return dlqTopic + ":" + partition + ":" + offset;
  }

  /** The last value of header {@code name} as UTF-8 text, or null when it is absent. */
  public static @Nullable String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
