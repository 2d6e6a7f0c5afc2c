package dev.tuneloop.ml.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Hugging Face {@code config.json} of a BERT-family encoder: the fields that shape the network.
 * Unknown fields are ignored on read; {@link #write} produces a file Hugging Face transformers
 * loads as a {@code BertModel}.
 *
 * @param architectures model classes, informational ({@code BertModel})
 * @param modelType {@code bert} (also accepted: other BERT-compatible types listed in {@link
 *     #SUPPORTED_MODEL_TYPES})
 * @param vocabSize rows of the word embedding
 * @param hiddenSize width of every layer
 * @param numHiddenLayers number of transformer layers
 * @param numAttentionHeads attention heads per layer; must divide {@code hiddenSize}
 * @param intermediateSize width of the feed-forward layer
 * @param hiddenAct activation of the feed-forward layer: {@code gelu} (erf), {@code gelu_new} (tanh
 *     approximation) or {@code relu}
 * @param hiddenDropoutProb dropout after attention output, feed-forward and embeddings
 * @param attentionProbsDropoutProb dropout on attention probabilities
 * @param maxPositionEmbeddings longest sequence the position embedding covers
 * @param typeVocabSize number of token type (segment) ids
 * @param initializerRange standard deviation of the random initialisation
 * @param layerNormEps epsilon of every LayerNorm
 * @param padTokenId id of the padding token
 * @param positionEmbeddingType only {@code absolute} is supported
 * @param classifierDropout dropout before the classification layer; null means {@code
 *     hiddenDropoutProb}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BertConfig(
    @JsonProperty("architectures") List<String> architectures,
    @JsonProperty("model_type") String modelType,
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("hidden_size") int hiddenSize,
    @JsonProperty("num_hidden_layers") int numHiddenLayers,
    @JsonProperty("num_attention_heads") int numAttentionHeads,
    @JsonProperty("intermediate_size") int intermediateSize,
    @JsonProperty("hidden_act") String hiddenAct,
    @JsonProperty("hidden_dropout_prob") double hiddenDropoutProb,
    @JsonProperty("attention_probs_dropout_prob") double attentionProbsDropoutProb,
    @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
    @JsonProperty("type_vocab_size") int typeVocabSize,
    @JsonProperty("initializer_range") double initializerRange,
    @JsonProperty("layer_norm_eps") double layerNormEps,
    @JsonProperty("pad_token_id") int padTokenId,
    @JsonProperty("position_embedding_type") String positionEmbeddingType,
    @JsonProperty("classifier_dropout") Double classifierDropout) {

  /** The file name inside a model folder. */
  public static final String FILE_NAME = "config.json";

  /** Model types whose checkpoints use the BERT layout and tensor names. */
  public static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("bert");

  /** Activations the encoder implements. */
  public static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu", "gelu_new", "relu");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** Fills Hugging Face defaults for absent fields and validates the rest. */
  public BertConfig {
    architectures = architectures == null ? List.of("BertModel") : List.copyOf(architectures);
    modelType = modelType == null ? "bert" : modelType;
    hiddenAct = hiddenAct == null ? "gelu" : hiddenAct;
    positionEmbeddingType = positionEmbeddingType == null ? "absolute" : positionEmbeddingType;
    if (initializerRange == 0) {
      initializerRange = 0.02;
    }
    if (layerNormEps == 0) {
      layerNormEps = 1e-12;
    }
    if (typeVocabSize == 0) {
      typeVocabSize = 2;
    }
    validate(
        modelType,
        vocabSize,
        hiddenSize,
        numHiddenLayers,
        numAttentionHeads,
        intermediateSize,
        hiddenAct,
        hiddenDropoutProb,
        attentionProbsDropoutProb,
        maxPositionEmbeddings,
        positionEmbeddingType);
  }

  /**
   * A config with BERT's usual defaults for everything but the shape.
   *
   * @param vocabSize vocabulary size
   * @param hiddenSize hidden width
   * @param numHiddenLayers layers
   * @param numAttentionHeads heads
   * @param intermediateSize feed-forward width
   * @param maxPositionEmbeddings longest sequence
   */
  public static BertConfig of(
      int vocabSize,
      int hiddenSize,
      int numHiddenLayers,
      int numAttentionHeads,
      int intermediateSize,
      int maxPositionEmbeddings) {
    return new BertConfig(
        null,
        "bert",
        vocabSize,
        hiddenSize,
        numHiddenLayers,
        numAttentionHeads,
        intermediateSize,
        "gelu",
        0.1,
        0.1,
        maxPositionEmbeddings,
        2,
        0.02,
        1e-12,
        0,
        "absolute",
        null);
  }

  /** The same config with another layer-norm epsilon. */
  public BertConfig withLayerNormEps(double eps) {
    return new BertConfig(
        architectures,
        modelType,
        vocabSize,
        hiddenSize,
        numHiddenLayers,
        numAttentionHeads,
        intermediateSize,
        hiddenAct,
        hiddenDropoutProb,
        attentionProbsDropoutProb,
        maxPositionEmbeddings,
        typeVocabSize,
        initializerRange,
        eps,
        padTokenId,
        positionEmbeddingType,
        classifierDropout);
  }

  /** The same config with another activation. */
  public BertConfig withHiddenAct(String activation) {
    return new BertConfig(
        architectures,
        modelType,
        vocabSize,
        hiddenSize,
        numHiddenLayers,
        numAttentionHeads,
        intermediateSize,
        activation,
        hiddenDropoutProb,
        attentionProbsDropoutProb,
        maxPositionEmbeddings,
        typeVocabSize,
        initializerRange,
        layerNormEps,
        padTokenId,
        positionEmbeddingType,
        classifierDropout);
  }

  /** The same config with other dropout probabilities (e.g. zero for deterministic tests). */
  public BertConfig withDropout(double hidden, double attention) {
    return new BertConfig(
        architectures,
        modelType,
        vocabSize,
        hiddenSize,
        numHiddenLayers,
        numAttentionHeads,
        intermediateSize,
        hiddenAct,
        hidden,
        attention,
        maxPositionEmbeddings,
        typeVocabSize,
        initializerRange,
        layerNormEps,
        padTokenId,
        positionEmbeddingType,
        classifierDropout);
  }

  /** Width of one attention head. */
  public int headSize() {
    return hiddenSize / numAttentionHeads;
  }

  /** Dropout before the classification layer. */
  public double effectiveClassifierDropout() {
    return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
  }

  /**
   * Reads {@code config.json}.
   *
   * @throws IOException if unreadable, or an {@link IllegalArgumentException} if the shape is
   *     invalid or unsupported (the message names the field)
   */
  public static BertConfig read(Path file) throws IOException {
    try {
      return JSON.readValue(file.toFile(), BertConfig.class);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(file + ": " + cause.getMessage(), e);
    }
  }

  /** Writes the config as pretty-printed JSON. */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), this);
  }

  private static void validate(
      String modelType,
      int vocabSize,
      int hiddenSize,
      int layers,
      int heads,
      int intermediateSize,
      String hiddenAct,
      double hiddenDropout,
      double attentionDropout,
      int maxPositions,
      String positionType) {
    if (!SUPPORTED_MODEL_TYPES.contains(modelType.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "model_type '" + modelType + "' is not supported; supported: " + SUPPORTED_MODEL_TYPES);
    }
    requirePositive("vocab_size", vocabSize);
    requirePositive("hidden_size", hiddenSize);
    requirePositive("num_hidden_layers", layers);
    requirePositive("num_attention_heads", heads);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("max_position_embeddings", maxPositions);
    if (hiddenSize % heads != 0) {
      throw new IllegalArgumentException(
          "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + heads);
    }
    if (!SUPPORTED_ACTIVATIONS.contains(hiddenAct)) {
      throw new IllegalArgumentException(
          "hidden_act '" + hiddenAct + "' is not supported; supported: " + SUPPORTED_ACTIVATIONS);
    }
    if (hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0 || attentionDropout >= 1) {
      throw new IllegalArgumentException("dropout probabilities must be in [0, 1)");
    }
    if (!"absolute".equals(positionType)) {
      throw new IllegalArgumentException(
          "position_embedding_type '" + positionType + "' is not supported; only 'absolute' is");
    }
  }

  private static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
  }
}
