package dev.tuneloop.registry.config;

import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.registry.domain.OperatorDirectory;
import dev.tuneloop.registry.domain.RolloutPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Registry settings ({@code tuneloop.registry.*}); see the README's configuration table. */
@ConfigMapping(prefix = "tuneloop.registry")
public interface RegistryConfig {

  /** Challenger weight of each rollout step. */
  @WithDefault("0.1,0.5,1.0")
  List<Double> steps();

  /** How the challenger gets traffic: {@code ab} (split by weight) or {@code shadow} (mirrored). */
  @WithDefault("ab")
  String mode();

  /** Least predictions per arm before a step may advance: one value, or one per step. */
  @WithDefault("500")
  List<Long> minSamples();

  /** Least duration of a step: one value, or one per step (ISO-8601 or e.g. {@code 10m}). */
  @WithDefault("10m")
  List<Duration> minDuration();

  /** A step that cannot advance for this long is rolled back as inconclusive. */
  @WithDefault("24h")
  Optional<Duration> maxStepDuration();

  /** Labelled predictions per arm needed to compare online accuracy. */
  @WithDefault("200")
  long minLabelled();

  /** Significance level of the z-test and the chi-square test. */
  @WithDefault("0.05")
  double alpha();

  /** Accuracy shortfall of the challenger tolerated without a test. */
  @WithDefault("0.0")
  double accuracyTolerance();

  /** Largest Jensen-Shannon divergence of predicted label distributions (labels scarce). */
  @WithDefault("0.1")
  double maxDivergence();

  /** Largest drop of mean confidence (labels scarce). */
  @WithDefault("0.1")
  double maxConfidenceDrop();

  /** Largest increase of the error rate. */
  @WithDefault("0.02")
  double maxErrorRateIncrease();

  /** Largest challenger / champion ratio of latency p99. */
  @WithDefault("1.5")
  double maxLatencyRatio();

  /** Latency p99 differences below this many milliseconds never roll back. */
  @WithDefault("5")
  double latencySlackMillis();

  /** Challenger predictions before the error and latency guards act. */
  @WithDefault("100")
  long guardMinSamples();

  /** A candidate passing during a rollout: {@code queue} or {@code replace}. */
  @WithDefault("queue")
  String onNewChallenger();

  /** Audit entries kept in the deployment state. */
  @WithDefault("50")
  int historyLimit();

  /** How often running rollouts are decided even without new health windows. */
  @WithDefault("5s")
  Duration evaluationInterval();

  /** Models this registry manages (Java regex on the model name). */
  @WithDefault(".*")
  String modelPattern();

  /** Operators by name: their bearer token and role; none configured = no rollout commands. */
  Map<String, OperatorConfig> operators();

  /** One operator. */
  interface OperatorConfig {

    /** The bearer token (a secret: set it from the environment, at least 16 characters). */
    String token();

    /** {@code operator} (may command rollouts) or {@code viewer} (403). */
    @WithDefault("operator")
    String role();
  }

  /** The rollout policy these settings describe. */
  default RolloutPolicy policy() {
    return new RolloutPolicy(
        steps(),
        Mode.valueOf(mode().strip().toUpperCase(java.util.Locale.ROOT)),
        minSamples(),
        minDuration(),
        maxStepDuration().orElse(null),
        minLabelled(),
        alpha(),
        accuracyTolerance(),
        maxDivergence(),
        maxConfidenceDrop(),
        maxErrorRateIncrease(),
        maxLatencyRatio(),
        latencySlackMillis(),
        guardMinSamples(),
        RolloutPolicy.NewChallengerPolicy.valueOf(
            onNewChallenger().strip().toUpperCase(java.util.Locale.ROOT)),
        historyLimit());
  }

  /** The operators these settings describe. */
  default OperatorDirectory operatorDirectory() {
    Map<String, Map.Entry<String, OperatorDirectory.Role>> byName = new LinkedHashMap<>();
    operators()
        .forEach(
            (name, op) ->
                byName.put(
                    name,
                    new AbstractMap.SimpleEntry<>(
                        op.token(),
                        OperatorDirectory.Role.valueOf(
                            op.role().strip().toUpperCase(java.util.Locale.ROOT)))));
    return OperatorDirectory.of(byName);
  }
}
