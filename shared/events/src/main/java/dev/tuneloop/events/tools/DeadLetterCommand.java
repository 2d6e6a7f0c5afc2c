package dev.tuneloop.events.tools;

import dev.tuneloop.events.Topics;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The parsed and checked command line of {@link DeadLetters}.
 *
 * @param action what to do
 * @param topic the original topic (never a {@code .dlq} topic)
 * @param partition only this partition of the dead-letter topic (empty: all)
 * @param fromOffset the first dead-letter offset to consider, per partition (empty: the start)
 * @param toOffset the last dead-letter offset to consider, inclusive, per partition (empty: the
 *     end)
 * @param dryRun {@code replay} only: show what would be republished, publish and record nothing
 * @param limit {@code list} only: show at most this many records
 * @param bootstrapServers the Kafka bootstrap servers (empty: {@code KAFKA_BOOTSTRAP_SERVERS} or
 *     {@value #DEFAULT_BOOTSTRAP_SERVERS})
 */
public record DeadLetterCommand(
    Action action,
    String topic,
    OptionalInt partition,
    OptionalLong fromOffset,
    OptionalLong toOffset,
    boolean dryRun,
    int limit,
    Optional<String> bootstrapServers) {

  /** Bootstrap servers when neither the option nor the environment names any. */
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  /** How many records {@code list} shows unless {@code --limit} says otherwise. */
  public static final int DEFAULT_LIMIT = 100;

  /** The usage text, printed on a usage error and for {@code help}. */
  public static final String USAGE =
      """
      usage: DeadLetters list <topic> [--partition P] [--from-offset N] [--to-offset M] [--limit K]
             DeadLetters replay <topic> [--partition P] [--from-offset N] [--to-offset M] [--dry-run]
             common option: --bootstrap-servers HOST:PORT (default: $KAFKA_BOOTSTRAP_SERVERS, else \
      localhost:9092)

        list    shows the records on <topic>.dlq: partition, offset, time, key, ce_type, ce_id, where
                the record failed (dead-letter-topic/partition/offset), why (dead-letter-reason,
                dead-letter-cause) and whether it was replayed already
        replay  republishes the records on <topic>.dlq to <topic> with their original key, value and
                headers (minus the dead-letter-* headers, plus tuneloop-replayed-from). Progress is
                the committed offset of consumer group tuneloop-dlq-replay-<topic>, written in the
                same Kafka transaction as the records, so a second run publishes nothing twice.
                Records before --from-offset that were not replayed yet are skipped and marked as
                handled; --dry-run shows what would happen and changes nothing.
        Offsets are those of the dead-letter topic, per partition; --to-offset is inclusive.
      """;

  /** What the tool does. */
  public enum Action {
    /** Show the dead-letter records. */
    LIST,
    /** Republish the dead-letter records to their original topic. */
    REPLAY
  }

  /** Checks the values (the parser already does; this guards programmatic use). */
  public DeadLetterCommand {
    if (action == null || topic == null || partition == null || fromOffset == null) {
      throw new UsageException("action, topic, partition and fromOffset are required");
    }
    if (toOffset == null || bootstrapServers == null) {
      throw new UsageException("toOffset and bootstrapServers are required");
    }
    checkTopic(topic);
    if (partition.isPresent() && partition.getAsInt() < 0) {
      throw new UsageException("--partition must be >= 0, was " + partition.getAsInt());
    }
    if (fromOffset.isPresent() && fromOffset.getAsLong() < 0) {
      throw new UsageException("--from-offset must be >= 0, was " + fromOffset.getAsLong());
    }
    if (toOffset.isPresent() && toOffset.getAsLong() < 0) {
      throw new UsageException("--to-offset must be >= 0, was " + toOffset.getAsLong());
    }
    if (fromOffset.isPresent()
        && toOffset.isPresent()
        && fromOffset.getAsLong() > toOffset.getAsLong()) {
      throw new UsageException(
          "--from-offset "
              + fromOffset.getAsLong()
              + " is after --to-offset "
              + toOffset.getAsLong());
    }
    if (limit <= 0) {
      throw new UsageException("--limit must be > 0, was " + limit);
    }
    if (dryRun && action != Action.REPLAY) {
      throw new UsageException("--dry-run only applies to replay");
    }
  }

  /** The dead-letter topic the command reads: {@code <topic>.dlq}. */
  public String dlqTopic() {
    return Topics.dlq(topic);
  }

  /** The consumer group whose committed offsets record how far {@code topic}'s DLQ was replayed. */
  public String replayGroup() {
    return replayGroup(topic);
  }

  /** The consumer group whose committed offsets record how far {@code topic}'s DLQ was replayed. */
  public static String replayGroup(String topic) {
    return "tuneloop-dlq-replay-" + topic;
  }

  /** The bootstrap servers: the option, else {@code environmentValue}, else the default. */
  public String bootstrapServers(String environmentValue) {
    return bootstrapServers.orElse(
        environmentValue == null || environmentValue.isBlank()
            ? DEFAULT_BOOTSTRAP_SERVERS
            : environmentValue);
  }

  /**
   * Parses a command line.
   *
   * @throws UsageException with a message naming the bad argument
   */
  public static DeadLetterCommand parse(List<String> args) {
    if (args.isEmpty()) {
      throw new UsageException("missing command: list or replay");
    }
    Action action =
        switch (args.get(0)) {
          case "list" -> Action.LIST;
          case "replay" -> Action.REPLAY;
          default ->
              throw new UsageException(
                  "unknown command '" + args.get(0) + "'; expected list or replay");
        };
    String topic = null;
    OptionalInt partition = OptionalInt.empty();
    OptionalLong from = OptionalLong.empty();
    OptionalLong to = OptionalLong.empty();
    boolean dryRun = false;
    int limit = DEFAULT_LIMIT;
    Optional<String> bootstrap = Optional.empty();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--partition" -> partition = OptionalInt.of((int) number(args, ++i, arg));
        case "--from-offset" -> from = OptionalLong.of(number(args, ++i, arg));
        case "--to-offset" -> to = OptionalLong.of(number(args, ++i, arg));
        case "--limit" -> limit = (int) number(args, ++i, arg);
        case "--dry-run" -> dryRun = true;
        case "--bootstrap-servers" -> bootstrap = Optional.of(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("-")) {
            throw new UsageException("unknown option '" + arg + "'");
          }
          if (topic != null) {
            throw new UsageException(
                "only one topic, please: got '" + topic + "' and '" + arg + "'");
          }
          topic = arg;
        }
      }
    }
    if (topic == null) {
      throw new UsageException("missing <topic>: the original topic, e.g. " + Topics.DATA_INGESTED);
    }
    return new DeadLetterCommand(action, topic, partition, from, to, dryRun, limit, bootstrap);
  }

  private static void checkTopic(String topic) {
    if (topic.isBlank()) {
      throw new UsageException("<topic> must not be blank");
    }
    if (topic.endsWith(Topics.DLQ_SUFFIX)) {
      throw new UsageException(
          topic
              + " is already a dead-letter topic; name the original topic instead: "
              + topic.substring(0, topic.length() - Topics.DLQ_SUFFIX.length()));
    }
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size() || args.get(index).startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(index);
  }

  private static long number(List<String> args, int index, String option) {
    String value = value(args, index, option);
    try {
      long number = Long.parseLong(value);
      if (option.equals("--partition") || option.equals("--limit")) {
        if (number > Integer.MAX_VALUE) {
          throw new UsageException(option + " is too large: " + value);
        }
      }
      return number;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a whole number, got '" + value + "'");
    }
  }

  /** A bad command line; its message says what is wrong. */
  public static final class UsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** An error with a message for the user. */
    public UsageException(String message) {
      super(message);
    }
  }
}
