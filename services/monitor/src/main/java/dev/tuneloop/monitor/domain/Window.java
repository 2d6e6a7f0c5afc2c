package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.Prediction;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One window of predictions of one model version and arm, open until it holds {@code capacity}
 * predictions or its time is up. After closing it keeps only its online quality, which late
 * feedback still updates.
 */
final class Window {

  final WindowKey key;
  final long openedAtMillis;
  final int capacity;
  final int k;
  final OnlineQuality quality = new OnlineQuality();
  long minPredictedAt = Long.MAX_VALUE;
  long maxPredictedAt = Long.MIN_VALUE;
  int count;
  double confidenceSum;
  Map<String, long[]> labelCounts = new HashMap<>();
  double[] confidence;
  double[] textLength;
  double[] tokenCount;
  int tokenCountSize;
  double[][] projections;
  int projectionSize;
  double[] latency;
  boolean closed;
  @Nullable ModelHealth health;

  Window(WindowKey key, long openedAtMillis, int capacity, int k) {
    this.key = key;
    this.openedAtMillis = openedAtMillis;
    this.capacity = capacity;
    this.k = k;
    int initial = Math.min(capacity, 1024);
    confidence = new double[initial];
    textLength = new double[initial];
    tokenCount = new double[initial];
    latency = new double[initial];
    projections = k > 0 ? new double[k][initial] : null;
  }

  /** Adds a prediction; true when the window is now full. */
  boolean add(Prediction p) {
    if (count == confidence.length) {
      int grown = Math.min(capacity, confidence.length * 2);
      confidence = Arrays.copyOf(confidence, grown);
      textLength = Arrays.copyOf(textLength, grown);
      tokenCount = Arrays.copyOf(tokenCount, grown);
      latency = Arrays.copyOf(latency, grown);
      if (projections != null) {
        for (int i = 0; i < k; i++) {
          projections[i] = Arrays.copyOf(projections[i], grown);
        }
      }
    }
    long at = p.predictedAt().toEpochMilli();
    minPredictedAt = Math.min(minPredictedAt, at);
    maxPredictedAt = Math.max(maxPredictedAt, at);
    long[] labelCount = labelCounts.get(p.label());
    if (labelCount == null) {
      labelCount = new long[1];
      labelCounts.put(p.label(), labelCount);
    }
    labelCount[0]++;
    confidence[count] = p.confidence();
    confidenceSum += p.confidence();
    textLength[count] = p.input().textLength();
    latency[count] = p.latencyMillis();
    Integer tokens = p.input().tokenCount();
    if (tokens != null) {
      tokenCount[tokenCountSize++] = tokens;
    }
    List<Double> projected = p.input().embeddingProjections();
    if (projections != null && projected != null && projected.size() == k) {
      for (int i = 0; i < k; i++) {
        projections[i][projectionSize] = projected.get(i);
      }
      projectionSize++;
    }
    count++;
    return count >= capacity;
  }

  Map<String, Long> predictedLabelCounts() {
    Map<String, Long> out = new HashMap<>();
    labelCounts.forEach((label, c) -> out.put(label, c[0]));
    return out;
  }

  WindowSample sample() {
    return new WindowSample(
        count,
        predictedLabelCounts(),
        confidence,
        textLength,
        tokenCount,
        tokenCountSize,
        projections,
        projectionSize);
  }

  double latencyP99() {
    double[] sorted = Arrays.copyOf(latency, count);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(0.99 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, index))];
  }

  /** Drops the per-prediction data once the window is reported. */
  void release() {
    closed = true;
    confidence = null;
    textLength = null;
    tokenCount = null;
    latency = null;
    projections = null;
    labelCounts = null;
  }
}
