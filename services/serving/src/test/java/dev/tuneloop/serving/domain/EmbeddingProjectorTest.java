package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingProjectorTest {

  @TempDir Path dir;

  @Test
  void projectsOnTheReferenceProfilesDirections() throws IOException {
    Files.writeString(
        dir.resolve("reference_profile.json"),
        "{\"schema_version\":1,\"embedding\":{\"dimension\":3,"
            + "\"projections\":[[1,0,0],[0,0.6,0.8]]}}");
    EmbeddingProjector projector = EmbeddingProjector.read(dir);
    assertThat(projector.dimension()).isEqualTo(3);
    java.util.List<Double> projected = projector.project(new float[] {2, 1, 1});
    assertThat(projected).hasSize(2);
    assertThat(projected.get(0)).isCloseTo(2.0, within(1e-6));
    assertThat(projected.get(1)).isCloseTo(1.4, within(1e-6));
  }

  @Test
  void noProfileOrNoProjectionsMeansNoProjector() throws IOException {
    assertThat(EmbeddingProjector.read(dir)).isNull();
    Files.writeString(dir.resolve("reference_profile.json"), "{\"schema_version\":1}");
    assertThat(EmbeddingProjector.read(dir)).isNull();
  }

  @Test
  void raggedProjectionsAreAnError() throws IOException {
    Files.writeString(
        dir.resolve("reference_profile.json"), "{\"embedding\":{\"projections\":[[1,0],[1]]}}");
    assertThatThrownBy(() -> EmbeddingProjector.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("same");
  }
}
