package dev.tuneloop.ml.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTest {

  private static final Set<String> VALUES = Set.of("--model", "--threads");

  @Test
  void valuesSwitchesAndDefaults() {
    Flags flags =
        Flags.parse(
            new String[] {"--model", "m", "--force", "--threads", " 4 "},
            VALUES,
            Set.of("--force"));
    assertThat(flags.requiredPath("--model")).isEqualTo(Path.of("m"));
    assertThat(flags.positiveInt("--threads", 1)).isEqualTo(4);
    assertThat(flags.has("--force")).isTrue();
    Flags none = Flags.parse(new String[0], VALUES);
    assertThat(none.path("--model")).isNull();
    assertThat(none.value("--model")).isNull();
    assertThat(none.positiveInt("--threads", 16)).isEqualTo(16);
    assertThat(none.has("--force")).isFalse();
  }

  @Test
  void badArgumentsNameTheFlag() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--modle", "m"}, VALUES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown argument --modle");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--model"}, VALUES))
        .hasMessage("--model needs a value");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--model", "a", "--model", "b"}, VALUES))
        .hasMessage("--model is given more than once");
    Flags flags = Flags.parse(new String[] {"--threads", "four"}, VALUES);
    assertThatThrownBy(() -> flags.positiveInt("--threads", 1))
        .hasMessage("--threads must be a whole number, not 'four'");
    assertThatThrownBy(() -> flags.required("--model")).hasMessage("--model is required");
    assertThatThrownBy(
            () -> Flags.parse(new String[] {"--threads", "0"}, VALUES).positiveInt("--threads", 1))
        .hasMessage("--threads must be at least 1, not 0");
  }
}
