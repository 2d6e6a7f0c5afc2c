package dev.tuneloop.evaluator.domain;

import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import dev.tuneloop.ml.metrics.ClassMetrics;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link GatePolicy} to what the evaluation measured and explains every gate: metric,
 * threshold, candidate and champion value, delta and p-value. {@code threshold} is the value the
 * candidate's metric is compared against (for {@code significance}: the significance level the
 * p-value is compared against).
 */
public final class GateEngine {

  private GateEngine() {}

  /**
   * The verdict and its reasons.
   *
   * @param verdict pass when every reason passed
   * @param reasons every gate applied, in a stable order
   */
  public record Decision(Verdict verdict, List<Reason> reasons) {}

  /**
   * Decides.
   *
   * @param policy the model's gates
   * @param candidate the candidate's metrics on the current test split
   * @param champion the champion on the same examples; null when there is none or it could not be
   *     compared
   * @param championProblem why an existing champion could not be compared (e.g. other labels); null
   *     otherwise
   * @param regressions candidate and champion on earlier dataset versions
   * @param smoke the serving smoke test
   */
  public static Decision decide(
      GatePolicy policy,
      ClassificationMetrics candidate,
      @Nullable ChampionComparison champion,
      @Nullable String championProblem,
      List<RegressionCheck> regressions,
      SmokeTest smoke) {
    List<Reason> reasons = new ArrayList<>();
    reasons.add(sampleSize(policy, candidate.count()));
    boolean firstModel = champion == null && championProblem == null;
    if (firstModel) {
      reasons.add(noChampion(policy));
    }
    if (!(firstModel && policy.noChampion() == GatePolicy.NoChampionAction.PASS)) {
      thresholds(policy, candidate, reasons);
    }
    if (championProblem != null) {
      reasons.add(
          new Reason(
              "comparable",
              null,
              null,
              null,
              null,
              null,
              null,
              false,
              "the champion cannot be compared with the candidate: "
                  + championProblem
                  + "; compare them by hand and force a pass if the candidate is better"));
    }
    if (champion != null) {
      ClassificationMetrics reference = champion.score().metrics();
      reasons.add(improvement(policy, candidate, reference));
      for (ClassMetrics own : candidate.perClass()) {
        ClassMetrics theirs = classOf(reference, own.label());
        double limit = theirs.f1() - policy.maxClassDrop();
        reasons.add(
            new Reason(
                "max_class_drop",
                "f1[" + own.label() + "]",
                limit,
                own.f1(),
                theirs.f1(),
                own.f1() - theirs.f1(),
                null,
                own.f1() >= limit - 1e-12,
                format(
                    "F1 of class '%s' must not drop more than %.4f below the champion's %.4f: %.4f",
                    own.label(), policy.maxClassDrop(), theirs.f1(), own.f1())));
      }
      reasons.addAll(significance(policy, candidate, reference, champion));
      for (RegressionCheck check : regressions) {
        reasons.addAll(regression(policy, check));
      }
    }
    reasons.add(
        new Reason(
            "serving_smoke_test",
            null,
            null,
            null,
            null,
            null,
            null,
            smoke.passed(),
            "the candidate loaded as serving loads it (LoRA merged) "
                + (smoke.passed() ? "and " : "but failed: ")
                + smoke.detail()));
    boolean allPassed = reasons.stream().allMatch(Reason::passed);
    return new Decision(allPassed ? Verdict.PASS : Verdict.FAIL, List.copyOf(reasons));
  }

  private static Reason sampleSize(GatePolicy policy, long count) {
    boolean ok = count >= policy.minSampleSize();
    return new Reason(
        "sample_size",
        "examples",
        (double) policy.minSampleSize(),
        (double) count,
        null,
        null,
        null,
        ok,
        format(
            "the test split must hold at least %d examples for a trustworthy verdict: %d",
            policy.minSampleSize(), count));
  }

  private static Reason noChampion(GatePolicy policy) {
    return switch (policy.noChampion()) {
      case PASS ->
          new Reason(
              "no_champion",
              null,
              null,
              null,
              null,
              null,
              null,
              true,
              "no champion yet; the policy passes the first model without metric gates");
      case THRESHOLDS ->
          new Reason(
              "no_champion",
              null,
              null,
              null,
              null,
              null,
              null,
              true,
              "no champion yet; the policy lets the absolute thresholds decide");
      case FAIL ->
          new Reason(
              "no_champion",
              null,
              null,
              null,
              null,
              null,
              null,
              false,
              "no champion yet; the policy fails the first model until an operator forces a pass");
    };
  }

  private static void thresholds(
      GatePolicy policy, ClassificationMetrics candidate, List<Reason> reasons) {
    if (policy.minAccuracy() != null) {
      reasons.add(atLeast("accuracy", policy.minAccuracy(), candidate.accuracy()));
    }
    if (policy.minMacroF1() != null) {
      reasons.add(atLeast("macro_f1", policy.minMacroF1(), candidate.macroF1()));
    }
    if (policy.maxLogLoss() != null) {
      reasons.add(atMost("log_loss", policy.maxLogLoss(), candidate.logLoss()));
    }
    if (policy.maxCalibrationError() != null) {
      reasons.add(
          atMost("ece", policy.maxCalibrationError(), candidate.expectedCalibrationError()));
    }
  }

  private static Reason atLeast(String metric, double threshold, double value) {
    return new Reason(
        "min_threshold",
        metric,
        threshold,
        value,
        null,
        null,
        null,
        value >= threshold,
        format("%s must be at least %.4f: %.4f", metric, threshold, value));
  }

  private static Reason atMost(String metric, double threshold, double value) {
    return new Reason(
        "max_threshold",
        metric,
        threshold,
        value,
        null,
        null,
        null,
        value <= threshold,
        format("%s must be at most %.4f: %.4f", metric, threshold, value));
  }

  private static Reason improvement(
      GatePolicy policy, ClassificationMetrics candidate, ClassificationMetrics champion) {
    String metric = policy.improvementMetric();
    double own = candidate.get(metric);
    double theirs = champion.get(metric);
    double required =
        policy.improvementMode() == GatePolicy.ImprovementMode.ABSOLUTE
            ? policy.minImprovement()
            : policy.minImprovement() * theirs;
    double limit = theirs + required;
    String how =
        policy.improvementMode() == GatePolicy.ImprovementMode.ABSOLUTE
            ? format("by at least %.4f", policy.minImprovement())
            : format("by at least %.2f%% (%.4f)", 100 * policy.minImprovement(), required);
    return new Reason(
        "min_improvement",
        metric,
        limit,
        own,
        theirs,
        own - theirs,
        null,
        own >= limit - 1e-12,
        format(
            "%s must improve on the champion's %.4f %s: %.4f (delta %+.4f)",
            metric, theirs, how, own, own - theirs));
  }

  private static List<Reason> significance(
      GatePolicy policy,
      ClassificationMetrics candidate,
      ClassificationMetrics champion,
      ChampionComparison comparison) {
    double alpha = policy.significanceLevel();
    McNemar.Result m = comparison.mcnemar();
    double accuracyDelta = candidate.accuracy() - champion.accuracy();
    boolean significant = m.pValue() < alpha;
    boolean mcnemarOk =
        policy.requireSignificantImprovement()
            ? significant && accuracyDelta > 0
            : !(significant && accuracyDelta < 0);
    String mcnemarText =
        format(
            "McNemar (%s, b=%d candidate-only correct, c=%d champion-only correct): p=%.4g %s %.3g;"
                + " the candidate must %s",
            m.method().name().toLowerCase(Locale.ROOT),
            m.candidateOnlyCorrect(),
            m.championOnlyCorrect(),
            m.pValue(),
            significant ? "<" : ">=",
            alpha,
            policy.requireSignificantImprovement()
                ? "be significantly more accurate"
                : "not be significantly less accurate");
    PairedBootstrap.Result b = comparison.bootstrap();
    boolean bootstrapOk = policy.requireSignificantImprovement() ? b.lower() > 0 : b.upper() >= 0;
    String bootstrapText =
        format(
            "paired bootstrap (%d resamples, seed %d): macro_f1 delta %+.4f, %.0f%% interval"
                + " [%+.4f, %+.4f]; the interval must %s",
            b.samples(),
            b.seed(),
            b.observedDelta(),
            100 * b.confidence(),
            b.lower(),
            b.upper(),
            policy.requireSignificantImprovement() ? "lie above 0" : "reach 0 or above");
    return List.of(
        new Reason(
            "significance",
            "accuracy",
            alpha,
            candidate.accuracy(),
            champion.accuracy(),
            accuracyDelta,
            m.pValue(),
            mcnemarOk,
            mcnemarText),
        new Reason(
            "significance",
            "macro_f1",
            alpha,
            candidate.macroF1(),
            champion.macroF1(),
            candidate.macroF1() - champion.macroF1(),
            b.pValue(),
            bootstrapOk,
            bootstrapText));
  }

  private static List<Reason> regression(GatePolicy policy, RegressionCheck check) {
    List<Reason> out = new ArrayList<>();
    String at = "@v" + check.datasetVersion();
    out.add(
        noWorse(
            "accuracy" + at,
            check.candidate().accuracy(),
            check.champion().accuracy(),
            policy.regressionDelta(),
            check));
    out.add(
        noWorse(
            "macro_f1" + at,
            check.candidate().macroF1(),
            check.champion().macroF1(),
            policy.regressionDelta(),
            check));
    for (ClassMetrics own : check.candidate().perClass()) {
      out.add(
          noWorse(
              "f1[" + own.label() + "]" + at,
              own.f1(),
              classOf(check.champion(), own.label()).f1(),
              policy.regressionDelta(),
              check));
    }
    return out;
  }

  private static Reason noWorse(
      String metric, double own, double theirs, double delta, RegressionCheck check) {
    double limit = theirs - delta;
    return new Reason(
        "regression",
        metric,
        limit,
        own,
        theirs,
        own - theirs,
        null,
        own >= limit - 1e-12,
        format(
            "on the %d test examples of dataset version %d, %s must not fall more than %.4f below"
                + " the champion's %.4f: %.4f",
            check.examples(),
            check.datasetVersion(),
            metric.substring(0, metric.indexOf('@')),
            delta,
            theirs,
            own));
  }

  private static ClassMetrics classOf(ClassificationMetrics metrics, String label) {
    return metrics.perClass().stream()
        .filter(c -> c.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no class '" + label + "' in metrics"));
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
