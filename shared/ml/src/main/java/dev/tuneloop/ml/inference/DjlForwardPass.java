package dev.tuneloop.ml.inference;

import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.tokenize.TokenIds;
import java.util.List;

/** Forward passes with DJL (PyTorch) on the loaded weights. */
final class DjlForwardPass implements ForwardPass {

  private final NDManager manager;
  private final SequenceClassifier model;
  private final long padId;
  private final int batchSize;

  DjlForwardPass(NDManager manager, SequenceClassifier model, long padId, int batchSize) {
    this.manager = manager;
    this.model = model;
    this.padId = padId;
    this.batchSize = batchSize;
  }

  @Override
  public float[][] probabilities(List<TokenIds> texts) {
    return model.probabilities(texts, padId, batchSize, manager);
  }

  @Override
  public float[][] probabilitiesAndPooled(List<TokenIds> texts) {
    return model.probabilitiesAndPooled(texts, padId, batchSize, manager);
  }

  @Override
  public void close() {
    manager.close();
  }
}
