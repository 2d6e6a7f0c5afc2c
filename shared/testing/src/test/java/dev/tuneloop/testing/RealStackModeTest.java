package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.testing.StackEndpoints.Mode;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class RealStackModeTest {

  private static final BooleanSupplier DOCKER = () -> true;
  private static final BooleanSupplier NO_DOCKER = () -> false;
  private static final BooleanSupplier MUST_NOT_ASK =
      () -> {
        throw new AssertionError("Docker must not be probed when a mode is requested");
      };

  @Test
  void withoutARequestDockerDecides() {
    assertThat(RealStack.chooseMode(null, DOCKER)).isEqualTo(Mode.TESTCONTAINERS);
    assertThat(RealStack.chooseMode(null, NO_DOCKER)).isEqualTo(Mode.LOCAL_PROCESSES);
    assertThat(RealStack.chooseMode("  ", NO_DOCKER)).isEqualTo(Mode.LOCAL_PROCESSES);
  }

  @Test
  void aRequestedModeWinsWithoutProbingDocker() {
    assertThat(RealStack.chooseMode("local", MUST_NOT_ASK)).isEqualTo(Mode.LOCAL_PROCESSES);
    assertThat(RealStack.chooseMode("Testcontainers", MUST_NOT_ASK)).isEqualTo(Mode.TESTCONTAINERS);
    assertThat(RealStack.chooseMode(" external ", MUST_NOT_ASK)).isEqualTo(Mode.EXTERNAL);
  }

  @Test
  void anUnknownModeIsRejectedWithTheChoices() {
    assertThatThrownBy(() -> RealStack.chooseMode("docker", MUST_NOT_ASK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TUNELOOP_STACK=docker")
        .hasMessageContaining("testcontainers, local or external");
  }
}
