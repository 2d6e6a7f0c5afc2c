package dev.tuneloop.monitor.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The confusion counts of a window's predictions that received feedback, and accuracy and macro-F1
 * from them. Late feedback keeps adding to the window it belongs to.
 */
public final class OnlineQuality {

  private final Map<String, Map<String, Long>> confusion = new HashMap<>();
  private long labelled;
  private long correct;

  /** Counts one labelled prediction. */
  public void add(String trueLabel, String predictedLabel) {
    confusion.computeIfAbsent(trueLabel, t -> new HashMap<>()).merge(predictedLabel, 1L, Long::sum);
    labelled++;
    if (trueLabel.equals(predictedLabel)) {
      correct++;
    }
  }

  /** Predictions with feedback. */
  public long labelled() {
    return labelled;
  }

  /** Share of labelled predictions that were right; absent without any. */
  public @Nullable Double accuracy() {
    return labelled == 0 ? null : (double) correct / labelled;
  }

  /**
   * Macro-averaged F1 over every label that occurs as a true or a predicted label among the
   * labelled predictions; absent without any.
   */
  public @Nullable Double macroF1() {
    if (labelled == 0) {
      return null;
    }
    Set<String> labels = new HashSet<>(confusion.keySet());
    confusion.values().forEach(row -> labels.addAll(row.keySet()));
    double sum = 0;
    for (String label : labels) {
      long tp = confusion.getOrDefault(label, Map.of()).getOrDefault(label, 0L);
      long fn =
          confusion.getOrDefault(label, Map.of()).values().stream().mapToLong(v -> v).sum() - tp;
      long fp = 0;
      for (Map.Entry<String, Map<String, Long>> row : confusion.entrySet()) {
        if (!row.getKey().equals(label)) {
          fp += row.getValue().getOrDefault(label, 0L);
        }
      }
      long denominator = 2 * tp + fp + fn;
      sum += denominator == 0 ? 0 : 2.0 * tp / denominator;
    }
    return sum / labels.size();
  }
}
