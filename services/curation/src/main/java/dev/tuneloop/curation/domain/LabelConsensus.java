package dev.tuneloop.curation.domain;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Majority vote over annotators' labels with an agreement threshold.
 *
 * @param agreementThreshold the least share of annotators that must give the winning label, in (0,
 *     1]; below it (or on a tie) the record is quarantined as {@code low_agreement}
 */
public record LabelConsensus(double agreementThreshold) {

  /**
   * The result of a vote.
   *
   * @param label the winning label, or null on a tie
   * @param agreement share of votes for the winning label (for a tie: the tied share)
   * @param accepted whether the label stands: no tie and agreement at or above the threshold
   */
  public record Vote(String label, double agreement, boolean accepted) {}

  /** Checks the threshold. */
  public LabelConsensus {
    if (!(agreementThreshold > 0 && agreementThreshold <= 1)) {
      throw new IllegalArgumentException(
          "agreement threshold must be in (0, 1], was " + agreementThreshold);
    }
  }

  /** Votes over the annotations of one record (at least one). */
  public Vote vote(List<Annotation> annotations) {
    if (annotations.isEmpty()) {
      throw new IllegalArgumentException("a vote needs at least one annotation");
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (Annotation a : annotations) {
      counts.merge(a.label(), 1, Integer::sum);
    }
    String best = null;
    int bestCount = 0;
    boolean tie = false;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
        tie = false;
      } else if (e.getValue() == bestCount) {
        tie = true;
      }
    }
    double agreement = (double) bestCount / annotations.size();
    if (tie) {
      return new Vote(null, agreement, false);
    }
    return new Vote(best, agreement, agreement >= agreementThreshold);
  }
}
