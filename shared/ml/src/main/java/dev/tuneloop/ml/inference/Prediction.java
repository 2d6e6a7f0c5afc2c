package dev.tuneloop.ml.inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classifier's answer for one text.
 *
 * @param label the most probable label
 * @param labelIndex its index in the model's label list
 * @param confidence its probability
 * @param probabilities the distribution over all labels, in label order
 */
public record Prediction(String label, int labelIndex, float confidence, float[] probabilities) {

  /** The distribution keyed by label. */
  public Map<String, Float> probabilitiesByLabel(List<String> labels) {
    Map<String, Float> out = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      out.put(labels.get(i), probabilities[i]);
    }
    return out;
  }
}
