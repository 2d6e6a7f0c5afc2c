package dev.tuneloop.evaluator.domain;

import static dev.tuneloop.evaluator.domain.Fixtures.policy;
import static dev.tuneloop.evaluator.domain.Fixtures.predictions;
import static dev.tuneloop.evaluator.domain.Fixtures.score;
import static dev.tuneloop.evaluator.domain.Fixtures.truth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.evaluator.domain.GatePolicy.NoChampionAction;
import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateEngineTest {

  private static final SmokeTest SMOKE_OK = new SmokeTest(true, "answered 'spam' (0.9)");
  private final int[] truth = truth(200);

  private static List<Reason> failed(GateEngine.Decision d) {
    return d.reasons().stream().filter(r -> !r.passed()).toList();
  }

  private ChampionComparison compare(ModelScore candidate, ModelScore champion, GatePolicy p) {
    return ChampionComparison.of(
        "3", "s3://tuneloop-models/m/candidates/j0/", candidate, champion, p);
  }

  @Test
  void aBetterCandidatePassesEveryGateWithValuesSpelledOut() {
    GatePolicy p = policy(NoChampionAction.THRESHOLDS, true);
    ModelScore candidate = score(truth, predictions(truth, 0.95, 0.95, 1));
    ModelScore champion = score(truth, predictions(truth, 0.75, 0.75, 2));
    GateEngine.Decision d =
        GateEngine.decide(
            p, candidate.metrics(), compare(candidate, champion, p), null, List.of(), SMOKE_OK);

    assertThat(d.verdict()).isEqualTo(Verdict.PASS);
    assertThat(d.reasons())
        .extracting(Reason::gate)
        .containsExactly(
            "sample_size",
            "min_threshold",
            "min_improvement",
            "max_class_drop",
            "max_class_drop",
            "significance",
            "significance",
            "serving_smoke_test");
    Reason improvement = d.reasons().get(2);
    assertThat(improvement.metric()).isEqualTo("macro_f1");
    assertThat(improvement.candidateValue()).isEqualTo(candidate.metrics().macroF1());
    assertThat(improvement.championValue()).isEqualTo(champion.metrics().macroF1());
    assertThat(improvement.delta()).isGreaterThan(0.1);
    Reason mcnemar = d.reasons().get(5);
    assertThat(mcnemar.metric()).isEqualTo("accuracy");
    assertThat(mcnemar.pValue()).isLessThan(0.001);
    assertThat(mcnemar.threshold()).isEqualTo(0.05);
  }

  @Test
  void aWorseCandidateFailsOnImprovementClassDropAndSignificance() {
    GatePolicy p = policy(NoChampionAction.THRESHOLDS, false);
    ModelScore candidate = score(truth, predictions(truth, 0.9, 0.55, 1));
    ModelScore champion = score(truth, predictions(truth, 0.9, 0.9, 2));
    GateEngine.Decision d =
        GateEngine.decide(
            p, candidate.metrics(), compare(candidate, champion, p), null, List.of(), SMOKE_OK);

    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(d))
        .extracting(r -> r.gate() + " " + r.metric())
        .contains(
            "min_improvement macro_f1",
            "max_class_drop f1[spam]",
            "significance accuracy",
            "significance macro_f1");
    Reason drop =
        failed(d).stream().filter(r -> "f1[spam]".equals(r.metric())).findFirst().orElseThrow();
    assertThat(drop.threshold()).isEqualTo(drop.championValue() - 0.05);
    assertThat(drop.message()).contains("spam").contains("0.05");
  }

  @Test
  void notSignificantIsEnoughUnlessTheModelRequiresSignificantImprovement() {
    ModelScore candidate = score(truth, predictions(truth, 0.82, 0.82, 5));
    ModelScore champion = score(truth, predictions(truth, 0.80, 0.80, 6));
    GatePolicy lenient = policy(NoChampionAction.THRESHOLDS, false);
    GatePolicy strict = policy(NoChampionAction.THRESHOLDS, true);
    // Make sure the fixture is what the test is about: a small, insignificant difference.
    assertThat(compare(candidate, champion, lenient).mcnemar().pValue()).isGreaterThan(0.05);
    GateEngine.Decision lenientDecision =
        GateEngine.decide(
            lenient,
            candidate.metrics(),
            compare(candidate, champion, lenient),
            null,
            List.of(),
            SMOKE_OK);
    GateEngine.Decision strictDecision =
        GateEngine.decide(
            strict,
            candidate.metrics(),
            compare(candidate, champion, strict),
            null,
            List.of(),
            SMOKE_OK);
    assertThat(failed(lenientDecision)).extracting(Reason::gate).doesNotContain("significance");
    assertThat(failed(strictDecision)).extracting(Reason::gate).contains("significance");
  }

  @Test
  void firstModelFollowsTheNoChampionPolicy() {
    ModelScore good = score(truth, predictions(truth, 0.9, 0.9, 1));
    ModelScore poor = score(truth, predictions(truth, 0.5, 0.5, 1));

    GateEngine.Decision thresholds =
        GateEngine.decide(
            policy(NoChampionAction.THRESHOLDS, false),
            good.metrics(),
            null,
            null,
            List.of(),
            SMOKE_OK);
    assertThat(thresholds.verdict()).isEqualTo(Verdict.PASS);
    assertThat(thresholds.reasons())
        .extracting(Reason::gate)
        .contains("no_champion", "min_threshold");

    GateEngine.Decision poorThresholds =
        GateEngine.decide(
            policy(NoChampionAction.THRESHOLDS, false),
            poor.metrics(),
            null,
            null,
            List.of(),
            SMOKE_OK);
    assertThat(poorThresholds.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(poorThresholds)).extracting(Reason::gate).containsExactly("min_threshold");

    GateEngine.Decision pass =
        GateEngine.decide(
            policy(NoChampionAction.PASS, false), poor.metrics(), null, null, List.of(), SMOKE_OK);
    assertThat(pass.verdict()).isEqualTo(Verdict.PASS);
    assertThat(pass.reasons()).extracting(Reason::gate).doesNotContain("min_threshold");

    GateEngine.Decision fail =
        GateEngine.decide(
            policy(NoChampionAction.FAIL, false), good.metrics(), null, null, List.of(), SMOKE_OK);
    assertThat(fail.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(fail)).extracting(Reason::gate).containsExactly("no_champion");
  }

  @Test
  void tooFewExamplesAFailedSmokeTestOrAnIncomparableChampionFail() {
    int[] few = truth(10);
    ModelScore small = score(few, few.clone());
    GateEngine.Decision d =
        GateEngine.decide(
            policy(NoChampionAction.THRESHOLDS, false),
            small.metrics(),
            null,
            null,
            List.of(),
            SMOKE_OK);
    assertThat(failed(d)).extracting(Reason::gate).containsExactly("sample_size");
    assertThat(failed(d).get(0).candidateValue()).isEqualTo(10.0);

    ModelScore good = score(truth, predictions(truth, 0.9, 0.9, 1));
    GateEngine.Decision smoke =
        GateEngine.decide(
            policy(NoChampionAction.THRESHOLDS, false),
            good.metrics(),
            null,
            null,
            List.of(),
            new SmokeTest(false, "prediction failed: boom"));
    assertThat(failed(smoke)).extracting(Reason::gate).containsExactly("serving_smoke_test");
    assertThat(failed(smoke).get(0).message()).contains("boom");

    GateEngine.Decision labels =
        GateEngine.decide(
            policy(NoChampionAction.THRESHOLDS, false),
            good.metrics(),
            null,
            "its labels [a, b, c] differ",
            List.of(),
            SMOKE_OK);
    assertThat(failed(labels)).extracting(Reason::gate).containsExactly("comparable");
    assertThat(labels.reasons()).extracting(Reason::gate).doesNotContain("no_champion");
  }

  @Test
  void regressionOnAnEarlierVersionFailsPerMetricAndClass() {
    GatePolicy p = policy(NoChampionAction.THRESHOLDS, false);
    ModelScore candidate = score(truth, predictions(truth, 0.95, 0.95, 1));
    ModelScore champion = score(truth, predictions(truth, 0.85, 0.85, 2));
    int[] old = truth(100);
    RegressionCheck check =
        new RegressionCheck(
            1,
            100,
            score(old, predictions(old, 0.95, 0.6, 3)).metrics(),
            score(old, predictions(old, 0.95, 0.95, 4)).metrics());
    GateEngine.Decision d =
        GateEngine.decide(
            p,
            candidate.metrics(),
            compare(candidate, champion, p),
            null,
            List.of(check),
            SMOKE_OK);
    assertThat(d.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(d))
        .extracting(Reason::metric)
        .containsExactlyInAnyOrder("accuracy@v1", "macro_f1@v1", "f1[spam]@v1", "f1[ham]@v1");
    assertThat(failed(d).get(0).message()).contains("dataset version 1");
  }

  @Test
  void invalidPoliciesNameTheSetting() {
    assertThatThrownBy(
            () ->
                new GatePolicy(
                    null,
                    1.5,
                    null,
                    null,
                    "macro_f1",
                    0,
                    GatePolicy.ImprovementMode.ABSOLUTE,
                    0.05,
                    0.02,
                    3,
                    0.05,
                    false,
                    30,
                    500,
                    1,
                    NoChampionAction.FAIL))
        .hasMessageContaining("min-macro-f1");
    assertThatThrownBy(
            () ->
                new GatePolicy(
                    null,
                    null,
                    null,
                    null,
                    "recall",
                    0,
                    GatePolicy.ImprovementMode.ABSOLUTE,
                    0.05,
                    0.02,
                    3,
                    0.05,
                    false,
                    30,
                    500,
                    1,
                    NoChampionAction.FAIL))
        .hasMessageContaining("improvement-metric");
  }
}
