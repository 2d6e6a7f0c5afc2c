package dev.tuneloop.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Splits metrics, params and tags into {@code runs/log-batch} requests that each stay within
 * MLflow's limits: {@value MlflowLimits#MAX_METRICS_PER_BATCH} metrics, {@value
 * MlflowLimits#MAX_PARAMS_PER_BATCH} params, {@value MlflowLimits#MAX_TAGS_PER_BATCH} tags, {@value
 * MlflowLimits#MAX_ENTITIES_PER_BATCH} entities in all, and a request body below {@link
 * #maxRequestBytes()}. Entities keep their order; each batch is filled before the next starts.
 */
final class LogBatchSplitter {

  /** One request's worth of entities. */
  record Batch(
      List<MetricPoint> metrics,
      List<Map.Entry<String, String>> params,
      List<Map.Entry<String, String>> tags) {

    int size() {
      return metrics.size() + params.size() + tags.size();
    }
  }

  // The Java client prints requests with protobuf's pretty printer (newlines, indentation, int64 as
  // strings), so the per-entity overheads below are generous upper bounds, not exact sizes.
  private static final int REQUEST_OVERHEAD = 200;
  private static final int METRIC_OVERHEAD = 200;
  private static final int KEY_VALUE_OVERHEAD = 100;

  // Stay clearly under MLflow's 1 MB (and the 1 MB body limit many proxies default to).
  private final int maxRequestBytes;

  LogBatchSplitter() {
    this(MlflowLimits.MAX_BATCH_REQUEST_BYTES * 9 / 10);
  }

  LogBatchSplitter(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  int maxRequestBytes() {
    return maxRequestBytes;
  }

  List<Batch> split(
      Collection<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {
    List<Batch> batches = new ArrayList<>();
    Builder current = new Builder();
    for (MetricPoint metric : metrics) {
      int bytes = METRIC_OVERHEAD + jsonLength(metric.key());
      if (!current.fitsMetric(bytes)) {
        batches.add(current.build());
        current = new Builder();
      }
      current.addMetric(metric, bytes);
    }
    for (Map.Entry<String, String> param : params.entrySet()) {
      int bytes = KEY_VALUE_OVERHEAD + jsonLength(param.getKey()) + jsonLength(param.getValue());
      if (!current.fitsParam(bytes)) {
        batches.add(current.build());
        current = new Builder();
      }
      current.addParam(Map.entry(param.getKey(), param.getValue()), bytes);
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      int bytes = KEY_VALUE_OVERHEAD + jsonLength(tag.getKey()) + jsonLength(tag.getValue());
      if (!current.fitsTag(bytes)) {
        batches.add(current.build());
        current = new Builder();
      }
      current.addTag(Map.entry(tag.getKey(), tag.getValue()), bytes);
    }
    if (current.size() > 0) {
      batches.add(current.build());
    }
    return batches;
  }

  /**
   * An upper bound of the characters {@code text} takes as a JSON string: printable ASCII counts 1,
   * anything that may be written as a six-character unicode escape counts 6.
   */
  static int jsonLength(String text) {
    int length = 2;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean plain =
          c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
              && c != '=' && c != '\'';
      length += plain ? 1 : 6;
    }
    return length;
  }

  private final class Builder {
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final List<Map.Entry<String, String>> params = new ArrayList<>();
    private final List<Map.Entry<String, String>> tags = new ArrayList<>();
    private int bytes = REQUEST_OVERHEAD;

    int size() {
      return metrics.size() + params.size() + tags.size();
    }

    boolean fitsMetric(int entityBytes) {
      return metrics.size() < MlflowLimits.MAX_METRICS_PER_BATCH && fits(entityBytes);
    }

    boolean fitsParam(int entityBytes) {
      return params.size() < MlflowLimits.MAX_PARAMS_PER_BATCH && fits(entityBytes);
    }

    boolean fitsTag(int entityBytes) {
      return tags.size() < MlflowLimits.MAX_TAGS_PER_BATCH && fits(entityBytes);
    }

    // An empty batch takes any single entity: the value limits keep one entity far below the cap.
    private boolean fits(int entityBytes) {
      return size() == 0
          || (size() < MlflowLimits.MAX_ENTITIES_PER_BATCH
              && bytes + entityBytes <= maxRequestBytes);
    }

    void addMetric(MetricPoint metric, int entityBytes) {
      metrics.add(metric);
      bytes += entityBytes;
    }

    void addParam(Map.Entry<String, String> param, int entityBytes) {
      params.add(param);
      bytes += entityBytes;
    }

    void addTag(Map.Entry<String, String> tag, int entityBytes) {
      tags.add(tag);
      bytes += entityBytes;
    }

    Batch build() {
      return new Batch(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags));
    }
  }
}
