import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the tuneloop topics that do not exist yet on a Kafka cluster, and their {@code .dlq}
 * topics.
 *
 * <p>Run by {@code deploy/local/tuneloop up} with the broker's own jars on the class path (the jars
 * have no topic command line tool). Existing topics are left as they are, so running it again is
 * harmless.
 *
 * <p>Usage: {@code CreateTopics BOOTSTRAP_SERVERS TOPICS_FILE PARTITIONS REPLICATION_FACTOR}
 */
public final class CreateTopics {

  private CreateTopics() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: CreateTopics BOOTSTRAP_SERVERS TOPICS_FILE PARTITIONS REPLICATION_FACTOR");
      System.exit(2);
    }
    String bootstrap = args[0];
    int partitions = Integer.parseInt(args[2]);
    short replicationFactor = Short.parseShort(args[3]);
    Map<String, Map<String, String>> wanted = readTopics(Path.of(args[1]));

    Map<String, Object> config = new LinkedHashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tuneloop-local-create-topics");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      wanted.forEach(
          (name, topicConfig) -> {
            if (!existing.contains(name)) {
              missing.add(new NewTopic(name, partitions, replicationFactor).configs(topicConfig));
            }
          });
      int created = 0;
      if (!missing.isEmpty()) {
        var futures = admin.createTopics(missing).values();
        for (var entry : futures.entrySet()) {
          try {
            entry.getValue().get(60, TimeUnit.SECONDS);
            created++;
          } catch (ExecutionException e) {
            // Another `up` may have created it between our list and create calls: that is fine.
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw new IllegalStateException(
                  "could not create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
            }
          }
        }
      }
      System.out.printf(
          "topics: %d wanted, %d already there, %d created%n",
          wanted.size(), wanted.size() - missing.size(), created);
    }
  }

  /** Reads {@code NAME [KEY=VALUE ...]} lines and adds {@code NAME.dlq} for each topic. */
  private static Map<String, Map<String, String>> readTopics(Path file) throws IOException {
    Map<String, Map<String, String>> topics = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file)) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      Map<String, String> topicConfig = new LinkedHashMap<>();
      for (int i = 1; i < fields.length; i++) {
        int eq = fields[i].indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              file + ":" + lineNumber + ": expected CONFIG=VALUE but found '" + fields[i] + "'");
        }
        topicConfig.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
      }
      topics.put(fields[0], topicConfig);
      topics.put(fields[0] + ".dlq", Map.of("cleanup.policy", "delete"));
    }
    return topics;
  }
}
