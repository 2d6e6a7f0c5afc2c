package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.testing.StackEndpoints.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackEnvFileTest {

  private static final List<String> WRITTEN_BY_UP =
      List.of(
          "# tuneloop local stack (/home/dev/.tuneloop/local), written by deploy/local/tuneloop up.",
          "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092",
          "TUNELOOP_STORAGE_ENDPOINT=http://127.0.0.1:9000",
          "TUNELOOP_STORAGE_ACCESS_KEY=tuneloop-abc",
          "TUNELOOP_STORAGE_SECRET_KEY=s3cr=t",
          "TUNELOOP_STORAGE_REGION=us-east-1",
          "",
          "TUNELOOP_TRACKING_URI=http://127.0.0.1:5000",
          "MLFLOW_TRACKING_URI=http://127.0.0.1:5000");

  @Test
  void readsTheEndpointsThatUpWrites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("stack.env");
    Files.write(file, WRITTEN_BY_UP);

    StackEndpoints endpoints =
        StackEnvFile.toEndpoints(Mode.LOCAL_PROCESSES, StackEnvFile.read(file), file.toString());

    assertThat(endpoints)
        .isEqualTo(
            new StackEndpoints(
                Mode.LOCAL_PROCESSES,
                "127.0.0.1:9092",
                "http://127.0.0.1:9000",
                "tuneloop-abc",
                "s3cr=t",
                "http://127.0.0.1:5000"));
  }

  @Test
  void acceptsShellExportsAndQuotesAndLetsTheLastLineWin() {
    Map<String, String> values =
        StackEnvFile.parse(
            List.of(
                "export KAFKA_BOOTSTRAP_SERVERS='127.0.0.1:9092'",
                "  TUNELOOP_STORAGE_ENDPOINT = \"http://minio:9000\"  ",
                "TUNELOOP_TRACKING_URI=http://old:5000",
                "TUNELOOP_TRACKING_URI=http://new:5000",
                "EMPTY="),
            "test");

    assertThat(values)
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
        .containsEntry("TUNELOOP_STORAGE_ENDPOINT", "http://minio:9000")
        .containsEntry("TUNELOOP_TRACKING_URI", "http://new:5000")
        .containsEntry("EMPTY", "");
  }

  @Test
  void namesTheLineThatIsNotKeyValue() {
    assertThatThrownBy(
            () -> StackEnvFile.parse(List.of("# ok", "KAFKA=1", "just some text"), "stack.env"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stack.env:3")
        .hasMessageContaining("just some text");
  }

  @Test
  void namesEveryMissingOrEmptyKey() {
    Map<String, String> values =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "TUNELOOP_STORAGE_ENDPOINT", "http://127.0.0.1:9000",
            "TUNELOOP_STORAGE_SECRET_KEY", " ");

    assertThatThrownBy(() -> StackEnvFile.toEndpoints(Mode.EXTERNAL, values, "the environment"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the environment does not define TUNELOOP_STORAGE_ACCESS_KEY,"
                + " TUNELOOP_STORAGE_SECRET_KEY, TUNELOOP_TRACKING_URI");
  }

  @Test
  void aMissingFileSaysHowToCreateIt(@TempDir Path dir) {
    assertThatThrownBy(() -> StackEnvFile.read(dir.resolve("stack.env")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deploy/local/tuneloop up");
  }
}
