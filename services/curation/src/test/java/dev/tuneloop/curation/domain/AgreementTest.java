package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementTest {

  private static List<Annotation> labels(String... byAnnotator) {
    List<Annotation> out = new ArrayList<>();
    for (int i = 0; i < byAnnotator.length; i++) {
      out.add(new Annotation("a" + (i + 1), byAnnotator[i]));
    }
    return out;
  }

  @Test
  void majorityVoteWithThresholdAndTies() {
    LabelConsensus consensus = new LabelConsensus(0.6);
    assertThat(consensus.vote(labels("spam", "spam", "ham")))
        .isEqualTo(new LabelConsensus.Vote("spam", 2.0 / 3, true));
    assertThat(consensus.vote(labels("spam", "ham")).accepted()).isFalse();
    assertThat(consensus.vote(labels("spam", "ham")).label()).isNull();
    // 2 of 5 is a plurality, but below the threshold
    LabelConsensus.Vote weak = consensus.vote(labels("a", "a", "b", "c", "d"));
    assertThat(weak.label()).isEqualTo("a");
    assertThat(weak.accepted()).isFalse();
    assertThat(consensus.vote(labels("ham")).accepted()).isTrue();
  }

  @Test
  void cohensKappaMatchesTheTextbookExample() {
    // 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    // p_o = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    List<String[]> pairs = new ArrayList<>();
    add(pairs, "yes", "yes", 20);
    add(pairs, "yes", "no", 5);
    add(pairs, "no", "yes", 10);
    add(pairs, "no", "no", 15);
    assertThat(AgreementStatistics.cohensKappa(pairs)).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void fleissKappaOfAHandComputedCase() {
    // 4 items, 3 raters: aaa, aab, bbb, abb. P_i = 1, 1/3, 1, 1/3 -> P = 2/3; p_a = p_b = 1/2 ->
    // P_e = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3
    List<List<Annotation>> items =
        List.of(
            labels("a", "a", "a"),
            labels("a", "a", "b"),
            labels("b", "b", "b"),
            labels("a", "b", "b"));
    assertThat(AgreementStatistics.fleissKappa(items)).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void reportPicksCohenForTwoAnnotatorsFleissForMoreAndPerAnnotatorAgreement() {
    AgreementStatistics two = new AgreementStatistics();
    two.add(labels("x", "x"), "x");
    two.add(labels("x", "y"), null);
    two.add(labels("y", "y"), "y");
    two.add(labels("y", "y"), "y");
    AgreementStatistics.Report r2 = two.report();
    // p_o = 3/4; A: x 2, y 2; B: x 1, y 3; p_e = .5*.25 + .5*.75 = .5; kappa = .25/.5 = .5
    assertThat(r2.cohensKappa()).isCloseTo(0.5, within(1e-12));
    assertThat(r2.fleissKappa()).isNull();
    assertThat(r2.perAnnotator()).containsEntry("a1", 1.0).containsEntry("a2", 1.0);

    AgreementStatistics three = new AgreementStatistics();
    three.add(labels("a", "a", "a"), "a");
    three.add(labels("a", "a", "b"), "a");
    three.add(labels("b", "b", "b"), "b");
    three.add(labels("a", "b", "b"), "b");
    AgreementStatistics.Report r3 = three.report();
    assertThat(r3.fleissKappa()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(r3.cohensKappa()).isNull();
    // a1 gave a,a,b,a vs consensus a,a,b,b: 3 of 4; a3 gave a,b,b,b: 3 of 4; a2 a,a,b,b: 4 of 4
    assertThat(r3.perAnnotator())
        .containsEntry("a1", 0.75)
        .containsEntry("a2", 1.0)
        .containsEntry("a3", 0.75);
  }

  private static void add(List<String[]> pairs, String a, String b, int times) {
    for (int i = 0; i < times; i++) {
      pairs.add(new String[] {a, b});
    }
  }
}
