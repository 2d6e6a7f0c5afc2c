package dev.tuneloop.evaluator.domain;

/**
 * The champion scored on the candidate's test examples, and the paired tests between the two.
 *
 * @param version the champion's MLflow model version
 * @param uri the champion's artifact folder
 * @param score the champion's predictions and metrics (in the candidate's label order)
 * @param mcnemar McNemar's test on accuracy
 * @param bootstrap paired bootstrap interval of the macro-F1 difference
 */
public record ChampionComparison(
    String version,
    String uri,
    ModelScore score,
    McNemar.Result mcnemar,
    PairedBootstrap.Result bootstrap) {

  /** Scores the paired tests of a candidate and champion scored on the same examples. */
  public static ChampionComparison of(
      String version, String uri, ModelScore candidate, ModelScore champion, GatePolicy policy) {
    McNemar.Result mcnemar =
        McNemar.test(candidate.truth(), candidate.predicted(), champion.predicted());
    PairedBootstrap.Result bootstrap =
        PairedBootstrap.macroF1Difference(
            candidate.metrics().labels().size(),
            candidate.truth(),
            candidate.predicted(),
            champion.predicted(),
            policy.bootstrapSamples(),
            1 - policy.significanceLevel(),
            policy.bootstrapSeed());
    return new ChampionComparison(version, uri, champion, mcnemar, bootstrap);
  }
}
