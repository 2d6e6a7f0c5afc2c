package dev.tuneloop.evaluator.domain;

import dev.tuneloop.ml.inference.Prediction;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import java.io.IOException;
import java.util.List;

/**
 * Loads model folders from the object store with {@link ModelStore#loadClassifier}, the same call
 * serving uses (LoRA adapters merged, head and LoRA artifacts on the base model their card names).
 */
public final class StoredModels implements CandidateEvaluator.ModelLoader {

  private final ModelStore store;
  private final int batchSize;

  /**
   * @param store model folders and their local cache
   * @param batchSize texts per forward pass
   */
  public StoredModels(ModelStore store, int batchSize) {
    this.store = store;
    this.batchSize = batchSize;
  }

  @Override
  public Classifier load(String uri) throws IOException {
    ObjectUri folder;
    try {
      folder = ObjectUri.parse(uri.endsWith("/") ? uri : uri + "/");
    } catch (IllegalArgumentException e) {
      throw new IOException("not an s3:// model folder: " + uri + " (" + e.getMessage() + ")", e);
    }
    TextClassifier classifier = store.loadClassifier(folder, null, batchSize);
    return new Classifier() {
      @Override
      public List<String> labels() {
        return classifier.labels();
      }

      @Override
      public float[][] probabilities(List<String> texts) {
        return classifier.predict(texts).stream()
            .map(Prediction::probabilities)
            .toArray(float[][]::new);
      }

      @Override
      public void close() {
        classifier.close();
      }
    };
  }
}
