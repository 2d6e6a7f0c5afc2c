package dev.tuneloop.events.tools;

import dev.tuneloop.events.Topics;
import dev.tuneloop.events.Topics.TopicSpec;
import dev.tuneloop.events.tools.DeadLetterCommand.Action;
import dev.tuneloop.events.tools.DeadLetterCommand.UsageException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Command-line tool to inspect a dead-letter topic ({@code list <topic>}) and republish its records
 * to the original topic ({@code replay <topic>}); see {@link DeadLetterCommand#USAGE}. Run it with
 * {@code deploy/local/tuneloop dlq ...} or {@code java -cp <shared/events + kafka-clients>
 * dev.tuneloop.events.tools.DeadLetters ...}.
 *
 * <p>A replay is idempotent: the records and the offsets of consumer group {@code
 * tuneloop-dlq-replay-<topic>} are committed in one Kafka transaction (transactional id {@code
 * tuneloop-dlq-replay-<topic>}), so a re-run, or a run after a crash, starts after the last
 * committed record and never republishes a record twice to {@code read_committed} consumers. A
 * second replay of the same topic started while one runs fences the first, which stops. Consumers
 * reading with {@code read_uncommitted} may see records of an aborted attempt once more; tuneloop's
 * consumers dedupe on {@code ce_id} anyway.
 *
 * <p>Exit codes: 0 done, 1 Kafka failed (message on stderr), 2 bad arguments or unknown topic.
 */
public final class DeadLetters implements AutoCloseable {

  private static final Duration API_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final PrintStream out;
  private final PrintStream err;
  private final Admin admin;

  private DeadLetters(String bootstrapServers, PrintStream out, PrintStream err) {
    this.bootstrapServers = bootstrapServers;
    this.out = out;
    this.err = err;
    Map<String, Object> config = new HashMap<>(common());
    this.admin = Admin.create(config);
  }

  /** Runs the tool and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err, System.getenv()));
  }

  /**
   * Runs the tool.
   *
   * @param args the command line
   * @param out where results go
   * @param err where errors go
   * @param environment the process environment ({@code KAFKA_BOOTSTRAP_SERVERS})
   * @return the exit code: 0 done, 1 Kafka failed, 2 bad arguments or unknown topic
   */
  public static int run(
      List<String> args, PrintStream out, PrintStream err, Map<String, String> environment) {
    if (args.size() == 1 && Set.of("help", "-h", "--help").contains(args.get(0))) {
      out.print(DeadLetterCommand.USAGE);
      return 0;
    }
    DeadLetterCommand command;
    try {
      command = DeadLetterCommand.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(DeadLetterCommand.USAGE);
      return 2;
    }
    String bootstrap = command.bootstrapServers(environment.get("KAFKA_BOOTSTRAP_SERVERS"));
    try (DeadLetters tool = new DeadLetters(bootstrap, out, err)) {
      List<Integer> partitions = tool.checkTopics(command);
      return command.action() == Action.LIST
          ? tool.list(command, partitions)
          : tool.replay(command, partitions);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("error: " + message(e));
      return 1;
    }
  }

  /**
   * Checks that the topic and its dead-letter topic exist (and the partition, if one was named).
   *
   * @return the dead-letter partitions to read
   */
  private List<Integer> checkTopics(DeadLetterCommand command) {
    Set<String> topics;
    try {
      topics = admin.listTopics().names().get(API_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot list the topics on Kafka at "
              + bootstrapServers
              + " (is it running? KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers): "
              + message(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (!topics.contains(command.topic())) {
      String known =
          Topics.all().stream()
              .map(TopicSpec::name)
              .filter(name -> !name.endsWith(Topics.DLQ_SUFFIX))
              .collect(Collectors.joining(", "));
      throw new UsageException(
          "unknown topic '"
              + command.topic()
              + "': it does not exist on Kafka at "
              + bootstrapServers
              + ". tuneloop's topics: "
              + known);
    }
    if (!topics.contains(command.dlqTopic())) {
      throw new UsageException(
          "topic "
              + command.topic()
              + " has no dead-letter topic "
              + command.dlqTopic()
              + " on Kafka at "
              + bootstrapServers);
    }
    List<Integer> partitions;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(command, false)) {
      partitions =
          consumer.partitionsFor(command.dlqTopic(), API_TIMEOUT).stream()
              .map(PartitionInfo::partition)
              .sorted()
              .toList();
    }
    if (command.partition().isPresent()) {
      int wanted = command.partition().getAsInt();
      if (!partitions.contains(wanted)) {
        throw new UsageException(
            command.dlqTopic() + " has no partition " + wanted + "; its partitions: " + partitions);
      }
      return List.of(wanted);
    }
    return partitions;
  }

  private int list(DeadLetterCommand command, List<Integer> partitions) {
    String dlq = command.dlqTopic();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(command, false)) {
      List<ReplayRange> ranges = ranges(consumer, command, partitions, false);
      long total = ranges.stream().mapToLong(ReplayRange::size).sum();
      out.println(
          dlq
              + ": "
              + total
              + " record(s) in the asked range; replay group "
              + command.replayGroup()
              + " is at "
              + watermarks(ranges));
      int[] shown = {0};
      for (ReplayRange range : ranges) {
        if (shown[0] >= command.limit()) {
          break;
        }
        read(
            consumer,
            new TopicPartition(dlq, range.partition()),
            range,
            record -> {
              if (shown[0] < command.limit()) {
                DeadLetterRecord.of(record)
                    .describe(range.isReplayed(record.offset()))
                    .forEach(out::println);
                shown[0]++;
              }
              return shown[0] < command.limit();
            });
      }
      if (shown[0] < total) {
        out.println(
            "... "
                + (total - shown[0])
                + " more; narrow with --partition/--from-offset/--to-offset or raise --limit");
      }
    }
    return 0;
  }

  private int replay(DeadLetterCommand command, List<Integer> partitions) {
    String dlq = command.dlqTopic();
    String topic = command.topic();
    if (command.dryRun()) {
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(command, true)) {
        List<ReplayRange> ranges = ranges(consumer, command, partitions, true);
        Tally tally = new Tally();
        for (ReplayRange range : ranges) {
          tally.note(range, command);
          read(
              consumer,
              new TopicPartition(dlq, range.partition()),
              range,
              record -> {
                DeadLetterRecord entry = DeadLetterRecord.of(record);
                if (entry.belongsTo(topic)) {
                  out.println("would republish " + summary(entry));
                  tally.replayed++;
                } else {
                  out.println("would leave out " + summary(entry) + notOurs(entry, topic));
                  tally.foreign++;
                }
                return true;
              });
        }
        out.println("dry run, nothing published or recorded: " + tally.describe(dlq, topic, true));
        return 0;
      }
    }

    Tally tally = new Tally();
    String group = command.replayGroup();
    try (KafkaProducer<byte[], byte[]> producer = producer(command);
        KafkaConsumer<byte[], byte[]> consumer = consumer(command, true)) {
      // Fence any older replay of this topic first, so the offsets read below are final.
      producer.initTransactions();
      List<ReplayRange> ranges = ranges(consumer, command, partitions, true);
      ConsumerGroupMetadata groupMetadata = new ConsumerGroupMetadata(group);
      for (ReplayRange range : ranges) {
        tally.note(range, command);
        TopicPartition partition = new TopicPartition(dlq, range.partition());
        readBatches(
            consumer,
            partition,
            range,
            batch -> {
              producer.beginTransaction();
              try {
                long next = -1;
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                  DeadLetterRecord entry = DeadLetterRecord.of(record);
                  if (entry.belongsTo(topic)) {
                    producer.send(DeadLetterRecord.replay(record, topic));
                    out.println("republished " + summary(entry));
                    tally.replayed++;
                  } else {
                    err.println("left out " + summary(entry) + notOurs(entry, topic));
                    tally.foreign++;
                  }
                  next = record.offset() + 1;
                }
                producer.sendOffsetsToTransaction(
                    Map.of(partition, new OffsetAndMetadata(next)), groupMetadata);
                producer.commitTransaction();
              } catch (ProducerFencedException e) {
                throw new IllegalStateException(
                    "another replay of "
                        + topic
                        + " started and took over; this one stopped (records committed so far"
                        + " stay replayed, none twice)",
                    e);
              } catch (KafkaException e) {
                producer.abortTransaction();
                throw new IllegalStateException(
                    "replay of "
                        + partition
                        + " failed and its last batch was rolled back; run it again to continue: "
                        + message(e),
                    e);
              }
            });
      }
    }
    out.println(tally.describe(dlq, topic, false));
    return 0;
  }

  private static String summary(DeadLetterRecord entry) {
    return entry.dlqTopic()
        + " p"
        + entry.partition()
        + "@"
        + entry.offset()
        + " key="
        + entry.key()
        + " ce_type="
        + entry.ceType()
        + " ce_id="
        + entry.ceId();
  }

  private static String notOurs(DeadLetterRecord entry, String topic) {
    return ": its dead-letter-topic is " + entry.failedTopic() + ", not " + topic;
  }

  private List<ReplayRange> ranges(
      KafkaConsumer<byte[], byte[]> consumer,
      DeadLetterCommand command,
      List<Integer> partitions,
      boolean fromWatermark) {
    List<TopicPartition> tps =
        partitions.stream().map(p -> new TopicPartition(command.dlqTopic(), p)).toList();
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, API_TIMEOUT);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, API_TIMEOUT);
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(Set.copyOf(tps), API_TIMEOUT);
    List<ReplayRange> ranges = new ArrayList<>();
    for (TopicPartition tp : tps) {
      OffsetAndMetadata mark = committed.get(tp);
      OptionalLong watermark = mark == null ? OptionalLong.empty() : OptionalLong.of(mark.offset());
      ReplayRange range =
          ReplayRange.of(
              tp.partition(),
              begin.get(tp),
              end.get(tp),
              watermark,
              command.fromOffset(),
              command.toOffset());
      if (!fromWatermark) {
        // list shows the asked range whatever was replayed, and marks the replayed records.
        ReplayRange all =
            ReplayRange.of(
                tp.partition(),
                begin.get(tp),
                end.get(tp),
                OptionalLong.empty(),
                command.fromOffset(),
                command.toOffset());
        range =
            new ReplayRange(
                tp.partition(), all.logStart(), all.logEnd(), watermark, all.start(), all.stop());
      }
      ranges.add(range);
    }
    return ranges;
  }

  private static String watermarks(List<ReplayRange> ranges) {
    return ranges.stream()
            .map(
                r ->
                    "p"
                        + r.partition()
                        + "="
                        + (r.committed().isPresent() ? r.committed().getAsLong() : "-")
                        + "/"
                        + r.logEnd())
            .collect(Collectors.joining(" "))
        + " (committed/end offset)";
  }

  /** Reads {@code range} of {@code partition} record by record until {@code each} says stop. */
  private static void read(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      ReplayRange range,
      java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> each) {
    boolean[] more = {true};
    readBatches(
        consumer,
        partition,
        range,
        batch -> {
          for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (more[0]) {
              more[0] = each.test(record);
            }
          }
        },
        () -> more[0]);
  }

  private static void readBatches(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      ReplayRange range,
      Consumer<List<ConsumerRecord<byte[], byte[]>>> batches) {
    readBatches(consumer, partition, range, batches, () -> true);
  }

  /**
   * Polls {@code range} of {@code partition} and hands each non-empty poll's records inside the
   * range to {@code batches}, until the range is read or {@code more} turns false.
   */
  private static void readBatches(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      ReplayRange range,
      Consumer<List<ConsumerRecord<byte[], byte[]>>> batches,
      java.util.function.BooleanSupplier more) {
    if (range.isEmpty()) {
      return;
    }
    consumer.assign(List.of(partition));
    consumer.seek(partition, range.start());
    long lastProgress = System.nanoTime();
    while (more.getAsBoolean() && consumer.position(partition, API_TIMEOUT) < range.stop()) {
      List<ConsumerRecord<byte[], byte[]>> batch =
          consumer.poll(POLL).records(partition).stream()
              .filter(r -> r.offset() < range.stop())
              .toList();
      if (!batch.isEmpty()) {
        batches.accept(batch);
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > READ_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "no records from "
                + partition
                + " for "
                + READ_TIMEOUT.toSeconds()
                + "s at offset "
                + consumer.position(partition)
                + " (want up to "
                + (range.stop() - 1)
                + ")");
      }
    }
    consumer.unsubscribe();
  }

  private Map<String, Object> common() {
    return Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        CommonClientConfigs.CLIENT_ID_CONFIG,
        "tuneloop-dlq-tool",
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
        10_000,
        CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) API_TIMEOUT.toMillis(),
        AdminClientConfig.RETRIES_CONFIG,
        3);
  }

  private KafkaConsumer<byte[], byte[]> consumer(DeadLetterCommand command, boolean forReplay) {
    Map<String, Object> config = new HashMap<>(common());
    config.remove(AdminClientConfig.RETRIES_CONFIG);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, command.replayGroup());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, forReplay ? 100 : 500);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaProducer<byte[], byte[]> producer(DeadLetterCommand command) {
    Map<String, Object> config = new HashMap<>(common());
    config.remove(AdminClientConfig.RETRIES_CONFIG);
    config.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, command.replayGroup());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static String message(Throwable e) {
    Throwable t = e;
    if ((t instanceof ExecutionException || t.getMessage() == null) && t.getCause() != null) {
      t = t.getCause();
    }
    String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    Throwable cause = t.getCause();
    if (cause != null
        && cause.getMessage() != null
        && !text.contains(cause.getMessage())
        && !cause.getMessage().contains(text)) {
      text += " (" + cause.getMessage() + ")";
    }
    return text;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }

  /** Counts of one run, for the closing line. */
  private static final class Tally {
    long replayed;
    long foreign;
    long before;
    long skipped;

    void note(ReplayRange range, DeadLetterCommand command) {
      before += range.alreadyReplayed(command.fromOffset(), command.toOffset());
      skipped += range.skipped();
    }

    String describe(String dlq, String topic, boolean dryRun) {
      StringBuilder text = new StringBuilder();
      text.append(dryRun ? "would republish " : "republished ")
          .append(replayed)
          .append(" record(s) from ")
          .append(dlq)
          .append(" to ")
          .append(topic);
      if (before > 0) {
        text.append("; ").append(before).append(" in the range were replayed before (left alone)");
      }
      if (skipped > 0) {
        text.append("; ")
            .append(skipped)
            .append(" before --from-offset ")
            .append(dryRun ? "would be" : "were")
            .append(" skipped and marked handled");
      }
      if (foreign > 0) {
        text.append("; ")
            .append(foreign)
            .append(" left out because their dead-letter-topic is not ")
            .append(topic);
      }
      return text.toString();
    }
  }
}
