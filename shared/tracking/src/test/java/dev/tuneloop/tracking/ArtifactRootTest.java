package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArtifactRootTest {

  @Test
  void mapsProxiedArtifactUrisToTheProxyPath() {
    assertThat(ArtifactRoot.proxyPath("mlflow-artifacts:/1/abc/artifacts"))
        .isEqualTo("1/abc/artifacts");
    assertThat(ArtifactRoot.proxyPath("mlflow-artifacts://mlflow:5000/1/abc/artifacts/"))
        .isEqualTo("1/abc/artifacts");
    assertThat(ArtifactRoot.resolve("mlflow-artifacts:/1/abc/artifacts", "model/config.json"))
        .isEqualTo("1/abc/artifacts/model/config.json");
  }

  @Test
  void refusesArtifactLocationsOutsideTheProxyWithAHint() {
    assertThatThrownBy(() -> ArtifactRoot.proxyPath("s3://bucket/1/abc/artifacts"))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("--serve-artifacts");
  }

  @Test
  void refusesPathsThatCouldEscapeTheRun() {
    for (String bad :
        new String[] {"", "/etc/passwd", "../other/x", "a//b", "a/./b", "a\\b", "a/"}) {
      assertThatThrownBy(() -> ArtifactRoot.resolve("mlflow-artifacts:/1/r/artifacts", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
