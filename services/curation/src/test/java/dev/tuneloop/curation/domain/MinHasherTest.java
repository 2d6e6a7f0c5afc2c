package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinHasherTest {

  private final MinHasher hasher = new MinHasher(MinHashSettings.DEFAULT);

  @Test
  void jaccardOfShingleSetsIsExact() {
    long[] a = {1, 2, 3, 4};
    long[] b = {3, 4, 5};
    assertThat(MinHasher.jaccard(a, b)).isEqualTo(2.0 / 5);
    assertThat(MinHasher.jaccard(a, a)).isEqualTo(1.0);
    assertThat(hasher.shingles("abcdefg")).hasSize(3);
    assertThat(hasher.shingles("ab")).hasSize(1);
    assertThat(hasher.shingles("aaaaaaaa")).hasSize(1);
  }

  @Test
  void signatureAgreementEstimatesJaccard() {
    SyntheticTexts texts = new SyntheticTexts(1);
    String a = texts.text(80);
    String b = texts.nearCopy(a, 10);
    long[] sa = hasher.shingles(a);
    long[] sb = hasher.shingles(b);
    int[] ga = hasher.signature(sa);
    int[] gb = hasher.signature(sb);
    int same = 0;
    for (int i = 0; i < ga.length; i++) {
      if (ga[i] == gb[i]) {
        same++;
      }
    }
    // standard error of the estimate with 120 permutations is about 0.045
    assertThat((double) same / ga.length).isCloseTo(MinHasher.jaccard(sa, sb), within(0.15));
  }

  @Test
  void findsNearDuplicatesAboveTheThresholdAndOnlyThose() {
    SyntheticTexts texts = new SyntheticTexts(7);
    DatasetIndex index = new DatasetIndex(hasher);
    List<String> originals = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String t = texts.text(30 + i % 50);
      originals.add(t);
      index.add(new IndexEntry("r" + i, "h" + i, "x", Split.TRAIN, null, t, 1));
    }
    int truePairs = 0;
    int found = 0;
    int falseMatches = 0;
    for (int i = 0; i < originals.size(); i++) {
      String copy = texts.nearCopy(originals.get(i), 1 + i % 6);
      long[] shingles = hasher.shingles(copy);
      double jaccard = MinHasher.jaccard(shingles, hasher.shingles(originals.get(i)));
      List<Integer> matches = new ArrayList<>();
      index.forEachNearDuplicate(
          shingles, hasher.bandKeys(hasher.signature(shingles)), matches::add);
      if (jaccard >= 0.8) {
        truePairs++;
        if (matches.contains(i)) {
          found++;
        }
      } else if (matches.contains(i)) {
        falseMatches++;
      }
      final int self = i;
      assertThat(matches).allMatch(m -> m == self);
    }
    assertThat(truePairs).isGreaterThan(500);
    assertThat((double) found / truePairs).isGreaterThanOrEqualTo(0.95);
    assertThat(falseMatches).isZero();
  }

  @Test
  void withdrawnEntriesNoLongerMatch() {
    DatasetIndex index = new DatasetIndex(hasher);
    index.add(new IndexEntry("a", "h", "x", Split.TEST, null, "some text that is long enough", 1));
    long[] shingles = hasher.shingles("some text that is long enough");
    List<Integer> matches = new ArrayList<>();
    index.forEachNearDuplicate(shingles, hasher.bandKeys(hasher.signature(shingles)), matches::add);
    assertThat(matches).containsExactly(0);
    assertThat(index.withdraw("a")).isTrue();
    matches.clear();
    index.forEachNearDuplicate(shingles, hasher.bandKeys(hasher.signature(shingles)), matches::add);
    assertThat(matches).isEmpty();
    assertThat(index.findExact("h")).isEqualTo(-1);
  }
}
