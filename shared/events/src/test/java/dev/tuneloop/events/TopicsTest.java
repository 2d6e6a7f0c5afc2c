package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.Topics.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void everyEventTopicHasADeadLetterTopicAndOnlyDeploymentStateIsCompacted() {
    assertThat(Topics.all()).hasSize(24);
    assertThat(Topics.all())
        .filteredOn(TopicSpec::compacted)
        .containsExactly(new TopicSpec("tuneloop.deployment.state", true));
    assertThat(Topics.all()).contains(new TopicSpec("tuneloop.deployment.state.dlq", false));
    assertThat(new TopicSpec(Topics.DEPLOYMENT_STATE, true).config())
        .isEqualTo(Map.of("cleanup.policy", "compact"));
  }

  @Test
  void localStackCreatesTheSameTopics() throws Exception {
    // deploy/local/topics.txt is what the local stack and the test stacks create; it must not drift
    // from the constants services use.
    Path file = repositoryRoot().resolve("deploy/local/topics.txt");
    List<TopicSpec> listed = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = trimmed.split("\\s+");
      boolean compacted = Arrays.asList(parts).contains("cleanup.policy=compact");
      listed.add(new TopicSpec(parts[0], compacted));
      listed.add(new TopicSpec(parts[0], compacted).deadLetter());
    }

    assertThat(listed).containsExactlyInAnyOrderElementsOf(Topics.all());
  }

  @Test
  void dlqAppendsTheSuffixOnce() {
    assertThat(Topics.dlq(Topics.PREDICTIONS)).isEqualTo("tuneloop.predictions.dlq");
    assertThatThrownBy(() -> Topics.dlq("tuneloop.predictions.dlq"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already a dead-letter topic");
  }

  @Test
  void catalogCoversEveryEventRecordWithItsOwnTypeAndTopic() throws Exception {
    Set<Class<?>> permitted = Set.of(TuneloopEvent.class.getPermittedSubclasses());
    Set<Class<?>> registered =
        Arrays.stream(EventType.values()).map(EventType::javaType).collect(Collectors.toSet());

    assertThat(registered).isEqualTo(permitted);
    for (EventType type : EventType.values()) {
      Class<?> record = type.javaType();
      assertThat(record.getField("TYPE").get(null)).isEqualTo(type.type());
      assertThat(record.getField("TOPIC").get(null)).isEqualTo(type.topic());
      assertThat(type.type()).matches("dev\\.tuneloop\\.[a-z]+(\\.[a-z]+)*\\.v1");
      assertThat(EventType.of(type.type())).isEqualTo(type);
      assertThat(Topics.EVENT_TOPICS).extracting(TopicSpec::name).contains(type.topic());
    }
    assertThat(Arrays.stream(EventType.values()).map(EventType::topic).distinct())
        .hasSize(Topics.EVENT_TOPICS.size());
  }

  private static Path repositoryRoot() {
    String root = System.getProperty("tuneloop.root");
    Path path = root == null || root.isBlank() ? Path.of("../..") : Path.of(root);
    if (!Files.isRegularFile(path.resolve("deploy/local/topics.txt"))) {
      path = Path.of("../..");
    }
    return path;
  }
}
