package dev.tuneloop.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class HyperparameterPolicyTest {

  private final HyperparameterPolicy policy =
      new HyperparameterPolicy(HyperparameterDefaults.builtIn());

  private static TrainingRequested.Hyperparameters with(
      Integer epochs, Integer batchSize, Double learningRate, TrainingRequested.Lora lora) {
    return new TrainingRequested.Hyperparameters(
        epochs,
        null,
        batchSize,
        learningRate,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        lora);
  }

  @Test
  void absentValuesTakeTheStrategysDefaults() {
    ResolvedHyperparameters full =
        policy.resolve(TrainingStrategy.FULL, TrainingRequested.Hyperparameters.defaults());
    ResolvedHyperparameters lora =
        policy.resolve(TrainingStrategy.LORA, TrainingRequested.Hyperparameters.defaults());
    assertThat(full.learningRate()).isEqualTo(5e-5);
    assertThat(lora.learningRate()).isEqualTo(5e-4);
    assertThat(lora.epochs()).isEqualTo(3);
    assertThat(lora.loraTargetModules()).containsExactly("query", "value");
  }

  @Test
  void requestValuesOverrideDefaults() {
    ResolvedHyperparameters h =
        policy.resolve(
            TrainingStrategy.LORA,
            with(5, 8, 1e-3, new TrainingRequested.Lora(4, 8.0, null, List.of("query"))));
    assertThat(h.epochs()).isEqualTo(5);
    assertThat(h.batchSize()).isEqualTo(8);
    assertThat(h.learningRate()).isEqualTo(1e-3);
    assertThat(h.loraRank()).isEqualTo(4);
    assertThat(h.loraAlpha()).isEqualTo(8.0);
    assertThat(h.loraDropout()).isEqualTo(0.1);
    assertThat(h.loraTargetModules()).containsExactly("query");
  }

  @Test
  void everyValueOutOfRangeIsNamedWithTheInvalidHyperparameterCode() {
    assertThatThrownBy(() -> policy.resolve(TrainingStrategy.FULL, with(0, 5000, 5.0, null)))
        .isInstanceOfSatisfying(
            JobFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(FailureCodes.INVALID_HYPERPARAMETER);
              assertThat(e.getMessage())
                  .contains("epochs must be in [1, 100], was 0")
                  .contains("batchSize must be in [1, 1024], was 5000")
                  .contains("learningRate must be in (0, 1), was 5.0");
            });
  }

  @Test
  void loraSettingsAreCheckedOnlyForLora() {
    TrainingRequested.Hyperparameters badLora =
        with(null, null, null, new TrainingRequested.Lora(0, null, null, List.of("attention")));
    assertThatThrownBy(() -> policy.resolve(TrainingStrategy.LORA, badLora))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("lora.rank")
        .hasMessageContaining("lora.targetModules");
    assertThat(policy.resolve(TrainingStrategy.HEAD, badLora).learningRate()).isEqualTo(1e-3);
  }

  @Test
  void qloraIsRejectedAsUnsupported() {
    assertThatThrownBy(
            () ->
                policy.resolve(
                    TrainingStrategy.QLORA, TrainingRequested.Hyperparameters.defaults()))
        .isInstanceOfSatisfying(
            JobFailedException.class,
            e -> assertThat(e.code()).isEqualTo(FailureCodes.UNSUPPORTED_STRATEGY));
  }
}
