package dev.tuneloop.serving.domain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tuneloop.ml.inference.InferenceEngine;
import dev.tuneloop.ml.inference.OrtOptions;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A fine-tuned classifier from the model store ({@link ModelStore#loadClassifier}: LoRA merged)
 * with the projections of its reference profile, answering batches in one forward pass each, on the
 * configured engine (ONNX Runtime on the exported model, or DJL). Token counts are those before
 * truncation, as the prediction's input profile defines them.
 */
public final class ClassifierBatchModel implements BatchModel {

  private static final Logger LOG = Logger.getLogger(ClassifierBatchModel.class);

  private final TextClassifier classifier;
  private final @Nullable EmbeddingProjector projector;
  private final @Nullable HuggingFaceTokenizer untruncated;

  /**
   * @param classifier the loaded classifier (owned)
   * @param projector the reference profile's projections, or null
   * @param untruncated a tokenizer without truncation (owned), to count the tokens of texts longer
   *     than the model's maximum length; null reports counts after truncation
   */
  public ClassifierBatchModel(
      TextClassifier classifier,
      @Nullable EmbeddingProjector projector,
      @Nullable HuggingFaceTokenizer untruncated) {
    this.classifier = classifier;
    this.projector = projector;
    this.untruncated = untruncated;
  }

  /**
   * Downloads (or finds in the cache) and loads an artifact, then answers one text to warm it up.
   *
   * @param store the model store
   * @param artifactUri the artifact folder, e.g. {@code s3://tuneloop-models/spam/candidates/j1/}
   * @param chunkSize texts per tensor: a batch is sorted by length and run in chunks of this size
   * @param engine what runs the forward passes
   * @param ortOptions ONNX Runtime threading (ignored by DJL)
   * @throws IOException if the artifact is missing or inconsistent (the message names the file)
   */
  public static ClassifierBatchModel load(
      ModelStore store,
      String artifactUri,
      int chunkSize,
      InferenceEngine engine,
      OrtOptions ortOptions)
      throws IOException {
    ObjectUri uri;
    try {
      uri = ObjectUri.parse(artifactUri);
    } catch (IllegalArgumentException e) {
      throw new IOException("artifact URI '" + artifactUri + "': " + e.getMessage(), e);
    }
    TextClassifier classifier = store.loadClassifier(uri, null, chunkSize, engine, ortOptions);
    HuggingFaceTokenizer untruncated = null;
    try {
      Path local = store.fetch(uri);
      EmbeddingProjector projector = EmbeddingProjector.read(local);
      Path tokenizerFile = local.resolve(BaseModelFolder.TOKENIZER_FILE);
      if (!Files.isRegularFile(tokenizerFile)) {
        tokenizerFile =
            store.fetch(store.baseModelOf(local, uri)).resolve(BaseModelFolder.TOKENIZER_FILE);
      }
      untruncated =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerFile)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build();
      ClassifierBatchModel model = new ClassifierBatchModel(classifier, projector, untruncated);
      List<ModelOutput> warmUp = model.infer(List.of("warm up"));
      if (projector != null && warmUp.get(0).embeddingProjections() == null) {
        LOG.warnf(
            "%s: reference profile projections have dimension %d, unlike the embedding; "
                + "predictions carry no projections",
            artifactUri, projector.dimension());
      }
      return model;
    } catch (IOException | RuntimeException e) {
      if (untruncated != null) {
        untruncated.close();
      }
      classifier.close();
      throw e;
    }
  }

  @Override
  public List<String> labels() {
    return classifier.labels();
  }

  @Override
  public List<ModelOutput> infer(List<String> texts) {
    List<TextClassifier.Analysis> analyses = classifier.analyze(texts);
    List<ModelOutput> out = new ArrayList<>(analyses.size());
    for (TextClassifier.Analysis analysis : analyses) {
      List<Double> projections = null;
      if (projector != null && projector.dimension() == analysis.embedding().length) {
        projections = projector.project(analysis.embedding());
      }
      int tokenCount = analysis.tokenCount();
      if (untruncated != null && tokenCount >= classifier.tokenizer().maxLength()) {
        // truncated: the profile wants the text's real length in tokens
        tokenCount = untruncated.encode(texts.get(out.size())).getIds().length;
      }
      out.add(
          new ModelOutput(
              analysis.prediction().label(),
              analysis.prediction().labelIndex(),
              analysis.prediction().confidence(),
              analysis.prediction().probabilities(),
              tokenCount,
              projections));
    }
    return out;
  }

  @Override
  public void close() {
    if (untruncated != null) {
      untruncated.close();
    }
    classifier.close();
  }
}
