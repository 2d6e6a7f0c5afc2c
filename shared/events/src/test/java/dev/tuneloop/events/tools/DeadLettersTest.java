package dev.tuneloop.events.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's answers that need no Kafka: help and usage errors. */
class DeadLettersTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DeadLetters.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        // Nothing listens here: a test that reached Kafka would fail with exit code 1.
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("DeadLetters list <topic>", "DeadLetters replay <topic>", "--dry-run");
  }

  @Test
  void usageErrorsExitWithTwoBeforeTouchingKafka() {
    assertThat(run("replay", "tuneloop.feedback.dlq")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: tuneloop.feedback.dlq is already a dead-letter topic")
        .contains("usage: DeadLetters");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing command: list or replay");
  }
}
