package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MlflowLimitsTest {

  @ParameterizedTest
  @ValueSource(strings = {"loss", "train/loss", "eval.f1 macro", "lr-0:1", "größe_1"})
  void acceptsKeysMlflowAccepts(String key) {
    assertThatCode(() -> MlflowLimits.checkKey("metric", key)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a,b", "loss%", "/abs", "a//b", "a/", "../up", "a/./b", ".", "x=y"})
  void refusesKeysMlflowRefusesWithTheKeyInTheMessage(String key) {
    assertThatThrownBy(() -> MlflowLimits.checkKey("metric", key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric key");
  }

  @Test
  void refusesOverlongKeysAndValues() {
    assertThatThrownBy(() -> MlflowLimits.checkKey("param", "k".repeat(251)))
        .hasMessageContaining("longer than 250");
    assertThatThrownBy(() -> MlflowLimits.checkParamValue("lr", "x".repeat(6001)))
        .hasMessageContaining("param 'lr'")
        .hasMessageContaining("6001");
    assertThatCode(() -> MlflowLimits.checkTagValue("note", "x".repeat(8000)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> MlflowLimits.checkTagValue("note", "x".repeat(8001)))
        .hasMessageContaining("at most 8000");
  }

  @Test
  void aliasRules() {
    assertThatCode(() -> MlflowLimits.checkAlias("champion")).doesNotThrowAnyException();
    assertThatCode(() -> MlflowLimits.checkAlias("challenger-2")).doesNotThrowAnyException();
    assertThatThrownBy(() -> MlflowLimits.checkAlias("latest")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> MlflowLimits.checkAlias("v3")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> MlflowLimits.checkAlias("a.b")).hasMessageContaining("may only");
  }

  @Test
  void modelNamesAndVersions() {
    assertThatCode(() -> MlflowLimits.checkModelName("spam-classifier")).doesNotThrowAnyException();
    assertThatThrownBy(() -> MlflowLimits.checkModelName("a/b")).hasMessageContaining("'/'");
    assertThatThrownBy(() -> MlflowLimits.checkModelName(" ")).hasMessageContaining("blank");
    assertThatThrownBy(() -> MlflowLimits.checkVersion("0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> MlflowLimits.checkVersion("v1")).hasMessageContaining("positive");
  }

  @Test
  void runIdsCannotSmuggleFilterSyntax() {
    assertThatThrownBy(() -> MlflowLimits.checkRunId("abc' OR name = 'x"))
        .hasMessageContaining("run id");
  }

  @Test
  void quotesSearchValuesWithTheQuoteTheyLack() {
    org.assertj.core.api.Assertions.assertThat(TrackingClient.quote("job-1")).isEqualTo("'job-1'");
    org.assertj.core.api.Assertions.assertThat(TrackingClient.quote("it's")).isEqualTo("\"it's\"");
    assertThatThrownBy(() -> TrackingClient.quote("it's \"odd\"")).hasMessageContaining("both");
  }
}
