package dev.tuneloop.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceProfilerTest {

  private final ReferenceProfiler profiler = new ReferenceProfiler(4, 10, 7);

  private static List<ReferenceProfiler.Observation> observations() {
    List<ReferenceProfiler.Observation> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      boolean spam = i < 3;
      out.add(
          new ReferenceProfiler.Observation(
              "x".repeat(10 + i),
              spam ? "spam" : "ham",
              i < 4 ? "spam" : "ham",
              0.5 + i * 0.05,
              5 + i,
              new float[] {i, 1, 0}));
    }
    return out;
  }

  @Test
  @SuppressWarnings("unchecked")
  void distributionsHistogramsAndMeanEmbedding() {
    Map<String, Object> p = profiler.profile(List.of("ham", "spam"), observations());
    assertThat(p.get("sample_count")).isEqualTo(10);
    Map<String, Double> truth = (Map<String, Double>) p.get("label_distribution");
    assertThat(truth.get("spam")).isCloseTo(0.3, within(1e-9));
    assertThat(truth.get("ham")).isCloseTo(0.7, within(1e-9));
    Map<String, Double> predicted = (Map<String, Double>) p.get("predicted_label_distribution");
    assertThat(predicted.get("spam")).isCloseTo(0.4, within(1e-9));
    Map<String, Object> length = (Map<String, Object>) p.get("text_length");
    assertThat((double[]) length.get("bin_edges")).hasSize(11).startsWith(10.0).endsWith(19.0);
    assertThat(java.util.Arrays.stream((long[]) length.get("counts")).sum()).isEqualTo(10);
    Map<String, Object> confidence = (Map<String, Object>) p.get("confidence");
    assertThat((double[]) confidence.get("bin_edges")).startsWith(0.5).endsWith(1.0);
    Map<String, Object> embedding = (Map<String, Object>) p.get("embedding");
    assertThat(embedding.get("dimension")).isEqualTo(3);
    assertThat((double[]) embedding.get("mean"))
        .containsExactly(new double[] {4.5, 1, 0}, within(1e-9));
  }

  @Test
  @SuppressWarnings("unchecked")
  void projectionsAreSeededUnitVectorsAndProjectedValuesAreDotProducts() {
    Map<String, Object> p = profiler.profile(List.of("ham", "spam"), observations());
    Map<String, Object> embedding = (Map<String, Object>) p.get("embedding");
    double[][] directions = (double[][]) embedding.get("projections");
    assertThat(directions).hasDimensions(4, 3);
    for (double[] d : directions) {
      assertThat(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).isCloseTo(1.0, within(1e-9));
    }
    assertThat(new ReferenceProfiler(4, 10, 7).projectionVectors(3)).isDeepEqualTo(directions);
    List<double[]> rows = (List<double[]>) embedding.get("projected_sample");
    assertThat(rows).hasSize(10);
    // observation 2 has embedding (2, 1, 0)
    assertThat(rows.get(2)[1]).isCloseTo(2 * directions[1][0] + directions[1][1], within(1e-6));
    Map<String, Object> projected = (Map<String, Object>) embedding.get("projected");
    assertThat((List<?>) projected.get("counts")).hasSize(4);
  }

  @Test
  void histogramPutsValuesAtTheEdgesInTheOuterBins() {
    Histogram h = Histogram.of(new double[] {0, 1, 2, 10}, 5, 0, 10);
    assertThat(h.counts()).containsExactly(2, 1, 0, 0, 1);
    Histogram constant = Histogram.of(new double[] {3, 3}, 2);
    assertThat(constant.counts()).containsExactly(0, 2);
  }
}
