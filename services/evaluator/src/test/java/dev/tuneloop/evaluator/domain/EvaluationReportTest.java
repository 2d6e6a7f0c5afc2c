package dev.tuneloop.evaluator.domain;

import static dev.tuneloop.evaluator.domain.Fixtures.policy;
import static dev.tuneloop.evaluator.domain.Fixtures.predictions;
import static dev.tuneloop.evaluator.domain.Fixtures.score;
import static dev.tuneloop.evaluator.domain.Fixtures.truth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.evaluator.domain.GatePolicy.NoChampionAction;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {

  private static EvaluationReport report() {
    int[] truth = truth(100);
    GatePolicy p = policy(NoChampionAction.THRESHOLDS, false);
    ModelScore candidate = score(truth, predictions(truth, 0.9, 0.6, 1));
    ModelScore champion = score(truth, predictions(truth, 0.9, 0.9, 2));
    ChampionComparison c =
        ChampionComparison.of("4", "s3://tuneloop-models/m/candidates/j1/", candidate, champion, p);
    SmokeTest smoke = new SmokeTest(true, "answered 'ham' (0.900) for \"<b>hi</b>\"");
    GateEngine.Decision d = GateEngine.decide(p, candidate.metrics(), c, null, List.of(), smoke);
    return new EvaluationReport(
        EvaluationReport.SCHEMA_VERSION,
        EvaluationReport.EVALUATED,
        "m",
        "j2",
        "s3://tuneloop-models/m/candidates/j2/",
        "run-1",
        "run-2",
        "corr-1",
        "spam",
        2,
        p,
        new EvaluationReport.Scored(candidate.metrics(), candidate.latency()),
        new EvaluationReport.Champion(
            "4", c.uri(), champion.metrics(), champion.latency(), c.mcnemar(), c.bootstrap(), null),
        List.of(),
        smoke,
        d.verdict(),
        d.reasons(),
        null,
        null,
        Instant.parse("2026-11-24T07:00:00Z"));
  }

  @Test
  void jsonRoundTripKeepsEverythingTheEventNeeds() {
    EvaluationReport r = report();
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    EvaluationReport back = EvaluationReport.fromJson(r.toJson());
    assertThat(back.toEvent()).isEqualTo(r.toEvent());
    assertThat(back.champion().mcnemar()).isEqualTo(r.champion().mcnemar());
    assertThat(back.candidate().metrics().confusionMatrix())
        .isDeepEqualTo(r.candidate().metrics().confusionMatrix());
    ModelEvaluated event = r.toEvent();
    assertThat(event.championVersion()).isEqualTo("4");
    assertThat(event.candidateMetrics()).containsKeys("accuracy", "macro_f1", "f1_spam");
    // the event survives its own JSON contract
    assertThat(EventJson.decode(ModelEvaluated.class, EventJson.encode(event))).isEqualTo(event);
  }

  @Test
  void aForcedPassKeepsTheFailedReasonsAndNamesTheOperator() {
    EvaluationReport forced =
        report()
            .withOverride(
                new ModelEvaluated.OperatorOverride(
                    "alice", "spam recall matters less this week", Instant.now()));
    ModelEvaluated event = forced.toEvent();
    assertThat(event.verdict()).isEqualTo(Verdict.PASS);
    assertThat(event.override().operator()).isEqualTo("alice");
    assertThat(event.reasons()).anyMatch(r -> !r.passed());
  }

  @Test
  void htmlIsSelfContainedWithAHeatMapAndEscapesText() {
    String html = HtmlReport.render(report());
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").doesNotContain("<script");
    assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http");
    assertThat(html).contains("Confusion matrix: candidate", "Confusion matrix: champion");
    assertThat(html).contains("background:rgba(25,118,210,");
    assertThat(html).contains("max_class_drop").contains("FAIL");
    assertThat(html).contains("&lt;b&gt;hi&lt;/b&gt;").doesNotContain("<b>hi</b>");
  }
}
