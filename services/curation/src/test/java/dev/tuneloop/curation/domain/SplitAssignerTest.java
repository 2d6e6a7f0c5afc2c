package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitAssignerTest {

  @Test
  void everySplitStaysWithinOneRecordOfItsShareAfterEveryRecord() {
    SplittableRandom random = new SplittableRandom(3);
    for (SplitRatios ratios :
        new SplitRatios[] {
          SplitRatios.DEFAULT, new SplitRatios(0.7, 0.15, 0.15), new SplitRatios(0.6, 0.3, 0.1)
        }) {
      SplitAssigner assigner = new SplitAssigner(ratios);
      // start from arbitrary existing counts that are themselves within bounds
      long[] counts = new long[3];
      for (int i = 0; i < 5000; i++) {
        assigner.assign(counts);
        long total = counts[0] + counts[1] + counts[2];
        for (Split s : Split.values()) {
          assertThat(Math.abs(counts[s.ordinal()] - ratios.of(s) * total))
              .as("%s after %d records with %s", s, total, ratios)
              .isLessThanOrEqualTo(1.0);
        }
        if (random.nextInt(100) == 0) {
          counts = new long[] {counts[0], counts[1], counts[2]};
        }
      }
    }
  }

  @Test
  void defaultRatiosGiveEightyTenTen() {
    SplitAssigner assigner = new SplitAssigner(SplitRatios.DEFAULT);
    long[] counts = new long[3];
    for (int i = 0; i < 100; i++) {
      assigner.assign(counts);
    }
    assertThat(counts).containsExactly(80, 10, 10);
  }
}
