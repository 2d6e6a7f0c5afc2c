package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.testing.StackResources.TopicSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackResourcesTest {

  @Test
  void everyTopicOfTheEventCatalogExistsWithItsDeadLetterTopic() {
    List<String> names = StackResources.topics().stream().map(TopicSpec::name).toList();

    List<String> catalog =
        List.of(
            "tuneloop.data.ingested",
            "tuneloop.dataset.curated",
            "tuneloop.training.requested",
            "tuneloop.training.status",
            "tuneloop.model.trained",
            "tuneloop.model.evaluated",
            "tuneloop.deployment.state",
            "tuneloop.predictions",
            "tuneloop.feedback",
            "tuneloop.model.health",
            "tuneloop.drift.detected",
            "tuneloop.raw.notifications");
    for (String topic : catalog) {
      assertThat(names).contains(topic, topic + ".dlq");
    }
    assertThat(names).doesNotHaveDuplicates().hasSize(2 * catalog.size());
  }

  @Test
  void onlyTheDeploymentStateIsCompactedNeverItsDeadLetters() {
    Map<String, Map<String, String>> configs =
        StackResources.topics().stream()
            .collect(java.util.stream.Collectors.toMap(TopicSpec::name, TopicSpec::config));

    assertThat(configs.get("tuneloop.deployment.state")).containsEntry("cleanup.policy", "compact");
    assertThat(configs.get("tuneloop.deployment.state.dlq"))
        .containsEntry("cleanup.policy", "delete");
    assertThat(configs.get("tuneloop.predictions")).doesNotContainKey("cleanup.policy");
  }

  @Test
  void theFourBucketsOfTheDesign() {
    assertThat(StackResources.buckets())
        .containsExactly("tuneloop-raw", "tuneloop-datasets", "tuneloop-models", "tuneloop-mlflow");
  }

  @Test
  void aMalformedTopicConfigNamesItsLine() {
    assertThatThrownBy(
            () -> StackResources.parseTopics(List.of("# c", "a.topic compact"), "topics.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topics.txt:2")
        .hasMessageContaining("compact");
  }
}
