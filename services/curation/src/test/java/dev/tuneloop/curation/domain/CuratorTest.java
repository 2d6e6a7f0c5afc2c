package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CuratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final SyntheticTexts texts = new SyntheticTexts(11);

  private static String line(String id, String text, String label) {
    try {
      return JSON.writeValueAsString(Map.of("id", id, "text", text, "label", label));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static BatchCuration curate(
      Curator curator, DatasetIndex index, List<String> lines, int version) {
    byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    return curator.curate(
        index,
        RecordReader.open(
            RecordReader.Format.NDJSON, new ByteArrayInputStream(bytes), RecordLimits.DEFAULT),
        version);
  }

  private static DatasetIndex index(CurationPolicy policy) {
    return new DatasetIndex(new MinHasher(policy.minHash()));
  }

  private static Map<String, RejectionReason> reasons(BatchCuration c) {
    Map<String, RejectionReason> out = new HashMap<>();
    c.rejections().forEach(r -> out.put(r.id(), r.reason()));
    return out;
  }

  private static Map<String, Split> splits(BatchCuration c) {
    Map<String, Split> out = new HashMap<>();
    c.added().forEach((split, records) -> records.forEach(r -> out.put(r.id(), split)));
    return out;
  }

  @Test
  void removesExactAndNearDuplicatesKeepingTheFirstAndQuarantinesConflicts() {
    Curator curator = new Curator(CurationPolicy.DEFAULT);
    String base = texts.text(60);
    String other = texts.text(60);
    List<String> lines =
        List.of(
            line("a", base, "spam"),
            line("b", "  " + base.toUpperCase() + "\n", "spam"),
            line("c", texts.nearCopy(base, 1), "spam"),
            line("d", other, "ham"),
            line("e", other, "spam"),
            line("f", texts.text(60), "ham"));
    BatchCuration c = curate(curator, index(CurationPolicy.DEFAULT), lines, 1);
    assertThat(c.received()).isEqualTo(6);
    assertThat(splits(c)).containsOnlyKeys("a", "f");
    assertThat(reasons(c))
        .containsEntry("b", RejectionReason.EXACT_DUPLICATE)
        .containsEntry("c", RejectionReason.NEAR_DUPLICATE)
        .containsEntry("d", RejectionReason.LABEL_CONFLICT)
        .containsEntry("e", RejectionReason.LABEL_CONFLICT);
    assertThat(c.received()).isEqualTo(c.accepted() + c.rejections().size());
    assertThat(c.rejectedByReason()).containsEntry("label_conflict", 2L);
  }

  @Test
  void laterVersionsNeverTakeDuplicatesOfEarlierRecordsAndKeepEverySplit() {
    Curator curator = new Curator(CurationPolicy.DEFAULT);
    DatasetIndex index = index(CurationPolicy.DEFAULT);
    List<String> v1Lines = new ArrayList<>();
    Map<String, String> textById = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      String t = texts.text(40);
      textById.put("r" + i, t);
      v1Lines.add(line("r" + i, t, i % 3 == 0 ? "spam" : "ham"));
    }
    BatchCuration v1 = curate(curator, index, v1Lines, 1);
    Map<String, Split> v1Splits = splits(v1);
    assertThat(v1Splits).hasSize(400);

    // v2: every v1 record again (same id), near copies of all v1 records under new ids, some new
    List<String> v2Lines = new ArrayList<>(v1Lines);
    for (int i = 0; i < 400; i++) {
      v2Lines.add(
          line("n" + i, texts.nearCopy(textById.get("r" + i), 1), i % 3 == 0 ? "spam" : "ham"));
    }
    for (int i = 0; i < 100; i++) {
      v2Lines.add(line("new" + i, texts.text(40), "ham"));
    }
    Collections.shuffle(v2Lines, new java.util.Random(5));
    BatchCuration v2 = curate(curator, index, v2Lines, 2);
    assertThat(v2.accepted()).isEqualTo(100);
    assertThat(v2.rejectedByReason()).containsEntry("exact_duplicate", 400L);
    assertThat(v2.rejectedByReason().getOrDefault("near_duplicate", 0L))
        .isGreaterThanOrEqualTo(380L);
    assertThat(v2.received()).isEqualTo(v2.accepted() + v2.rejections().size());
    assertThat(splits(v2).keySet()).allMatch(id -> id.startsWith("new"));
    // every v1 record is still in the index with its v1 split
    for (Map.Entry<String, Split> e : v1Splits.entrySet()) {
      assertThat(index.entry(index.findId(e.getKey())).split()).isEqualTo(e.getValue());
    }
  }

  @Test
  void splitsAreStratifiedPerLabelAndIndependentOfBatchOrder() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 317; i++) {
      lines.add(line("r" + i, texts.text(30), i % 4 == 0 ? "spam" : "ham"));
    }
    Curator curator = new Curator(CurationPolicy.DEFAULT);
    BatchCuration forward = curate(curator, index(CurationPolicy.DEFAULT), lines, 1);
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new java.util.Random(1));
    BatchCuration backward = curate(curator, index(CurationPolicy.DEFAULT), shuffled, 1);
    assertThat(splits(backward)).isEqualTo(splits(forward));
    for (String label : Set.of("spam", "ham")) {
      long[] counts = new long[3];
      forward
          .added()
          .forEach(
              (split, rs) ->
                  counts[split.ordinal()] +=
                      rs.stream().filter(r -> r.label().equals(label)).count());
      long total = counts[0] + counts[1] + counts[2];
      for (Split s : Split.values()) {
        assertThat(Math.abs(counts[s.ordinal()] - SplitRatios.DEFAULT.of(s) * total))
            .isLessThanOrEqualTo(1.0);
      }
    }
  }

  @Test
  void labelsConsensusIdsAndGroupKey() {
    CurationPolicy policy =
        new CurationPolicy(
            MinHashSettings.DEFAULT,
            SplitRatios.DEFAULT,
            0.6,
            RecordLimits.DEFAULT,
            Set.of("ham", "spam"),
            false,
            "thread");
    Curator curator = new Curator(policy);
    DatasetIndex index = index(policy);
    String t1 = texts.text(30);
    List<String> lines = new ArrayList<>();
    lines.add(line("a", t1, "ham"));
    lines.add(line("a", texts.text(30), "ham"));
    lines.add(line("b", texts.text(30), "eggs"));
    lines.add(
        "{\"id\":\"c\",\"text\":\""
            + texts.text(30)
            + "\",\"annotations\":[{\"annotator\":\"x\",\"label\":\"spam\"},{\"annotator\":\"y\",\"label\":\"ham\"}]}");
    lines.add(
        "{\"id\":\"d\",\"text\":\""
            + texts.text(30)
            + "\",\"annotations\":[{\"annotator\":\"x\",\"label\":\"spam\"},{\"annotator\":\"y\",\"label\":\"spam\"},{\"annotator\":\"z\",\"label\":\"ham\"}]}");
    for (int i = 0; i < 30; i++) {
      lines.add(
          "{\"id\":\"g"
              + i
              + "\",\"text\":\""
              + texts.text(30)
              + "\",\"label\":\"ham\",\"meta\":{\"thread\":\"T\"}}");
    }
    BatchCuration c = curate(curator, index, lines, 1);
    Map<String, RejectionReason> reasons = reasons(c);
    assertThat(reasons)
        .containsEntry("a", RejectionReason.DUPLICATE_ID)
        .containsEntry("b", RejectionReason.UNKNOWN_LABEL)
        .containsEntry("c", RejectionReason.LOW_AGREEMENT);
    Map<String, Split> splits = splits(c);
    assertThat(splits).containsKey("d");
    assertThat(
            c.added().values().stream()
                .flatMap(List::stream)
                .filter(r -> r.id().equals("d"))
                .findFirst()
                .orElseThrow()
                .label())
        .isEqualTo("spam");
    assertThat(
            splits.entrySet().stream()
                .filter(e -> e.getKey().startsWith("g"))
                .map(Map.Entry::getValue)
                .distinct())
        .hasSize(1);
    assertThat(c.agreement().records()).isEqualTo(2);

    // a later record with a known id but a new text conflicts; one in the same thread joins its
    // split
    BatchCuration later =
        curate(
            curator,
            index,
            List.of(
                line("a", texts.text(30), "ham"),
                "{\"id\":\"g-late\",\"text\":\""
                    + texts.text(30)
                    + "\",\"label\":\"spam\",\"meta\":{\"thread\":\"T\"}}"),
            2);
    assertThat(reasons(later)).containsEntry("a", RejectionReason.ID_CONFLICT);
    assertThat(splits(later).get("g-late")).isEqualTo(splits.get("g0"));
  }

  @Test
  void firstVersionFixesTheLabelSetUnlessNewLabelsAreAllowed() {
    Curator curator = new Curator(CurationPolicy.DEFAULT);
    DatasetIndex index = index(CurationPolicy.DEFAULT);
    curate(
        curator,
        index,
        List.of(line("a", texts.text(20), "ham"), line("b", texts.text(20), "spam")),
        1);
    BatchCuration v2 = curate(curator, index, List.of(line("c", texts.text(20), "eggs")), 2);
    assertThat(reasons(v2)).containsEntry("c", RejectionReason.UNKNOWN_LABEL);
    CurationPolicy open =
        new CurationPolicy(
            MinHashSettings.DEFAULT,
            SplitRatios.DEFAULT,
            0.6,
            RecordLimits.DEFAULT,
            Set.of(),
            true,
            null);
    BatchCuration v3 =
        curate(new Curator(open), index, List.of(line("c", texts.text(20), "eggs")), 3);
    assertThat(v3.accepted()).isEqualTo(1);
    assertThat(v3.labels()).containsExactly("eggs", "ham", "spam");
  }
}
