package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryRootTest {

  private static Path checkout(Path dir) throws Exception {
    Path script = dir.resolve(RepositoryRoot.STACK_SCRIPT);
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/usr/bin/env bash\n");
    return dir;
  }

  @Test
  void theBuildsPropertyWinsWhenItPointsAtACheckout(@TempDir Path dir) throws Exception {
    Path root = checkout(dir.resolve("repo"));
    Path elsewhere = checkout(dir.resolve("other"));

    assertThat(RepositoryRoot.find(root.toString(), elsewhere)).isEqualTo(root);
  }

  @Test
  void otherwiseTheNearestCheckoutAboveTheWorkingDirectory(@TempDir Path dir) throws Exception {
    Path root = checkout(dir.resolve("repo"));
    Path module = Files.createDirectories(root.resolve("services/curation"));

    assertThat(RepositoryRoot.find(null, module)).isEqualTo(root);
    assertThat(RepositoryRoot.find(dir.resolve("not-a-checkout").toString(), module))
        .isEqualTo(root);
  }

  @Test
  void outsideACheckoutItSaysWhereItLooked(@TempDir Path dir) {
    assertThatThrownBy(() -> RepositoryRoot.find(null, dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("tuneloop.root");
  }
}
