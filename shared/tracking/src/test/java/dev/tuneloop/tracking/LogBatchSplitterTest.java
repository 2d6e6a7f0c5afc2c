package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogBatchSplitterTest {

  private final LogBatchSplitter splitter = new LogBatchSplitter();

  private static List<MetricPoint> metrics(int count) {
    List<MetricPoint> points = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      points.add(new MetricPoint("train/loss", 1.0 / (i + 1), 1_700_000_000_000L + i, i));
    }
    return points;
  }

  private static Map<String, String> entries(String prefix, int count, int valueLength) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      map.put(prefix + i, "v".repeat(valueLength));
    }
    return map;
  }

  @Test
  void keepsEveryBatchWithinMlflowsCountLimitsAndLosesNothing() {
    List<MetricPoint> metrics = metrics(2500);
    Map<String, String> params = entries("param.", 150, 10);
    Map<String, String> tags = entries("tag.", 130, 10);

    List<LogBatchSplitter.Batch> batches = splitter.split(metrics, params, tags);

    for (LogBatchSplitter.Batch batch : batches) {
      assertThat(batch.metrics()).hasSizeLessThanOrEqualTo(MlflowLimits.MAX_METRICS_PER_BATCH);
      assertThat(batch.params()).hasSizeLessThanOrEqualTo(MlflowLimits.MAX_PARAMS_PER_BATCH);
      assertThat(batch.tags()).hasSizeLessThanOrEqualTo(MlflowLimits.MAX_TAGS_PER_BATCH);
      assertThat(batch.size()).isLessThanOrEqualTo(MlflowLimits.MAX_ENTITIES_PER_BATCH);
    }
    assertThat(batches.stream().flatMap(b -> b.metrics().stream()))
        .containsExactlyElementsOf(metrics);
    assertThat(batches.stream().flatMap(b -> b.params().stream()).map(Map.Entry::getKey))
        .containsExactlyElementsOf(params.keySet());
    assertThat(batches.stream().flatMap(b -> b.tags().stream()).map(Map.Entry::getKey))
        .containsExactlyElementsOf(tags.keySet());
    // 1000 + 1000 + (500 metrics + 100 params) + (50 params + 100 tags) + 30 tags
    assertThat(batches).hasSize(5);
  }

  @Test
  void splitsLargeValuesByRequestSize() {
    // 100 params of 6000 characters and 100 tags of 8000 would make a 1.4 MB request.
    Map<String, String> params = entries("p", 100, MlflowLimits.MAX_PARAM_VALUE_LENGTH);
    Map<String, String> tags = entries("t", 100, MlflowLimits.MAX_TAG_VALUE_LENGTH);

    List<LogBatchSplitter.Batch> batches = splitter.split(List.of(), params, tags);

    assertThat(batches).hasSizeGreaterThan(1);
    for (LogBatchSplitter.Batch batch : batches) {
      long estimate =
          batch.params().stream().mapToLong(e -> e.getKey().length() + e.getValue().length()).sum()
              + batch.tags().stream()
                  .mapToLong(e -> e.getKey().length() + e.getValue().length())
                  .sum();
      assertThat(estimate).isLessThan(MlflowLimits.MAX_BATCH_REQUEST_BYTES);
    }
    assertThat(batches.stream().mapToInt(LogBatchSplitter.Batch::size).sum()).isEqualTo(200);
  }

  @Test
  void countsCharactersThatMayBeEscapedAsSix() {
    assertThat(LogBatchSplitter.jsonLength("abc")).isEqualTo(5);
    assertThat(LogBatchSplitter.jsonLength("a\"b")).isEqualTo(10);
    assertThat(LogBatchSplitter.jsonLength("é")).isEqualTo(8);
  }

  @Test
  void nothingToLogMeansNoRequest() {
    assertThat(splitter.split(List.of(), Map.of(), Map.of())).isEmpty();
  }
}
