package dev.tuneloop.events.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.tools.DeadLetterCommand.Action;
import dev.tuneloop.events.tools.DeadLetterCommand.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterCommandTest {

  private static DeadLetterCommand parse(String... args) {
    return DeadLetterCommand.parse(List.of(args));
  }

  private static void rejected(String message, String... args) {
    assertThatThrownBy(() -> parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parsesListWithDefaults() {
    DeadLetterCommand command = parse("list", "tuneloop.data.ingested");

    assertThat(command.action()).isEqualTo(Action.LIST);
    assertThat(command.topic()).isEqualTo("tuneloop.data.ingested");
    assertThat(command.dlqTopic()).isEqualTo("tuneloop.data.ingested.dlq");
    assertThat(command.replayGroup()).isEqualTo("tuneloop-dlq-replay-tuneloop.data.ingested");
    assertThat(command.partition()).isEmpty();
    assertThat(command.fromOffset()).isEmpty();
    assertThat(command.toOffset()).isEmpty();
    assertThat(command.dryRun()).isFalse();
    assertThat(command.limit()).isEqualTo(DeadLetterCommand.DEFAULT_LIMIT);
  }

  @Test
  void parsesReplayOptionsInAnyOrder() {
    DeadLetterCommand command =
        parse(
            "replay",
            "--from-offset",
            "3",
            "tuneloop.feedback",
            "--dry-run",
            "--to-offset",
            "7",
            "--partition",
            "2",
            "--bootstrap-servers",
            "kafka:9092");

    assertThat(command.action()).isEqualTo(Action.REPLAY);
    assertThat(command.topic()).isEqualTo("tuneloop.feedback");
    assertThat(command.fromOffset()).hasValue(3);
    assertThat(command.toOffset()).hasValue(7);
    assertThat(command.partition()).hasValue(2);
    assertThat(command.dryRun()).isTrue();
    assertThat(command.bootstrapServers("ignored:1")).isEqualTo("kafka:9092");
  }

  @Test
  void bootstrapServersComeFromTheEnvironmentThenTheDefault() {
    DeadLetterCommand command = parse("list", "t");

    assertThat(command.bootstrapServers("10.0.0.1:9092")).isEqualTo("10.0.0.1:9092");
    assertThat(command.bootstrapServers(null)).isEqualTo("localhost:9092");
    assertThat(command.bootstrapServers(" ")).isEqualTo("localhost:9092");
  }

  @Test
  void rejectsADeadLetterTopicAndNamesTheOriginal() {
    rejected(
        "tuneloop.feedback.dlq is already a dead-letter topic; name the original topic instead:"
            + " tuneloop.feedback",
        "replay",
        "tuneloop.feedback.dlq");
  }

  @Test
  void rejectsBadCommandLines() {
    rejected("missing command", new String[0]);
    rejected("unknown command 'show'", "show", "t");
    rejected("missing <topic>", "list");
    rejected("only one topic", "list", "a", "b");
    rejected("unknown option '--force'", "replay", "t", "--force");
    rejected("--from-offset needs a value", "replay", "t", "--from-offset");
    rejected("--to-offset needs a whole number, got 'ten'", "replay", "t", "--to-offset", "ten");
    rejected("--from-offset must be >= 0, was -1", "replay", "t", "--from-offset", "-1");
    rejected(
        "--from-offset 5 is after --to-offset 4",
        "replay",
        "t",
        "--from-offset",
        "5",
        "--to-offset",
        "4");
    rejected("--partition must be >= 0", "list", "t", "--partition", "-2");
    rejected("--limit must be > 0", "list", "t", "--limit", "0");
    rejected("--dry-run only applies to replay", "list", "t", "--dry-run");
    rejected("<topic> must not be blank", "list", " ");
  }
}
