package dev.tuneloop.ml.model;

import dev.tuneloop.ml.weights.OnnxModel;
import dev.tuneloop.ml.weights.OnnxModel.Node;
import dev.tuneloop.ml.weights.TensorDType;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Turns a PyTorch-exported ONNX BERT into Hugging Face weights and {@code config.json}.
 *
 * <p>The exporter keeps Hugging Face names for embeddings, biases and LayerNorms, but stores every
 * Linear weight as an anonymous {@code onnx::MatMul_*} initializer in [in, out] layout. Each such
 * weight is named by following its MatMul to the Add that applies {@code <module>.bias}; the weight
 * becomes {@code <module>.weight}, transposed to PyTorch's [out, in]. The shape hyper-parameters
 * are read from the weights; the number of attention heads and the LayerNorm epsilon from graph
 * constants.
 */
public final class OnnxBertConverter {

  private static final Logger LOG = Logger.getLogger(OnnxBertConverter.class);
  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
  private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

  /** The converted model. */
  public record Result(BertConfig config, Map<String, WeightTensor> weights) {}

  private OnnxBertConverter() {}

  /**
   * Converts an ONNX BERT.
   *
   * @param onnx the parsed ONNX model
   * @param numAttentionHeads the head count if known; empty to read it from the graph
   * @throws IllegalArgumentException if the graph is not a BERT export this converter understands
   *     (the message names the node or initializer it could not place)
   */
  public static Result convert(OnnxModel onnx, OptionalInt numAttentionHeads) {
    Map<String, WeightTensor> weights = new TreeMap<>();
    List<String> unplaced = new ArrayList<>();
    for (WeightTensor tensor : onnx.initializers().values()) {
      String name = tensor.name();
      if (name.equals("embeddings.position_ids")) {
        continue; // a non-persistent buffer in Hugging Face; the encoder computes positions itself
      }
      if (isHuggingFaceName(name)) {
        weights.put(stripModelPrefix(name), tensor.renamed(stripModelPrefix(name)));
      } else {
        unplaced.add(name);
      }
    }
    for (Node node : onnx.nodes()) {
      if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
        continue;
      }
      String weightName = node.inputs().get(1);
      WeightTensor weight = onnx.initializers().get(weightName);
      if (weight == null || isHuggingFaceName(weightName)) {
        continue;
      }
      String module = biasModuleOf(onnx, node);
      String target = module + ".weight";
      if (weights.containsKey(target)) {
        throw new IllegalArgumentException(
            "Two MatMul weights map to '" + target + "' (second: " + weightName + ")");
      }
      if (weight.shape().length != 2 || weight.dtype() != TensorDType.F32) {
        throw new IllegalArgumentException(
            "MatMul weight " + weightName + " for " + module + " is not a 2-D F32 matrix");
      }
      weights.put(target, weight.transposed2d(target));
      unplaced.remove(weightName);
    }
    if (!unplaced.isEmpty()) {
      throw new IllegalArgumentException(
          "Initializers with no Hugging Face name could not be mapped through the graph: "
              + unplaced);
    }
    BertConfig config = deriveConfig(onnx, weights, numAttentionHeads);
    LOG.debugf("Converted ONNX BERT with %d tensors: %s", weights.size(), config);
    return new Result(config, weights);
  }

  private static boolean isHuggingFaceName(String name) {
    return !name.startsWith("onnx::") && (name.endsWith(".weight") || name.endsWith(".bias"));
  }

  private static String stripModelPrefix(String name) {
    return name.startsWith("bert.") ? name.substring("bert.".length()) : name;
  }

  /** Follows a MatMul's output to the Add whose other operand is a named bias. */
  private static String biasModuleOf(OnnxModel onnx, Node matMul) {
    String product = matMul.outputs().get(0);
    for (Node consumer : onnx.consumers(product)) {
      if (!consumer.opType().equals("Add")) {
        continue;
      }
      for (String input : consumer.inputs()) {
        if (!input.equals(product)
            && input.endsWith(".bias")
            && onnx.initializers().containsKey(input)) {
          return stripModelPrefix(input.substring(0, input.length() - ".bias".length()));
        }
      }
    }
    throw new IllegalArgumentException(
        "MatMul node '"
            + matMul.name()
            + "' (weight "
            + matMul.inputs().get(1)
            + ") is not followed by an Add with a named bias; cannot tell which Linear it is");
  }

  private static BertConfig deriveConfig(
      OnnxModel onnx, Map<String, WeightTensor> weights, OptionalInt headsOverride) {
    long[] word = require(weights, WORD_EMBEDDINGS).shape();
    long[] positions = require(weights, "embeddings.position_embeddings.weight").shape();
    WeightTensor tokenTypes = weights.get("embeddings.token_type_embeddings.weight");
    int layers = 0;
    for (String name : weights.keySet()) {
      Matcher matcher = LAYER.matcher(name);
      if (matcher.find()) {
        layers = Math.max(layers, Integer.parseInt(matcher.group(1)) + 1);
      }
    }
    if (layers == 0) {
      throw new IllegalArgumentException("No encoder.layer.N tensors found: not a BERT encoder");
    }
    int intermediate = (int) require(weights, "encoder.layer.0.intermediate.dense.bias").shape()[0];
    int hidden = (int) word[1];
    int heads =
        headsOverride.isPresent()
            ? headsOverride.getAsInt()
            : attentionHeads(onnx)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "Could not read the number of attention heads from the graph; pass it"
                                + " explicitly (--num-attention-heads)"));
    BertConfig config =
        BertConfig.of((int) word[0], hidden, layers, heads, intermediate, (int) positions[0]);
    config =
        new BertConfig(
            config.architectures(),
            config.modelType(),
            config.vocabSize(),
            config.hiddenSize(),
            config.numHiddenLayers(),
            config.numAttentionHeads(),
            config.intermediateSize(),
            activation(onnx),
            config.hiddenDropoutProb(),
            config.attentionProbsDropoutProb(),
            config.maxPositionEmbeddings(),
            tokenTypes == null ? 2 : (int) tokenTypes.shape()[0],
            config.initializerRange(),
            layerNormEpsilon(onnx).orElse(1e-12),
            config.padTokenId(),
            config.positionEmbeddingType(),
            null);
    return config;
  }

  /**
   * The head count: the third element of the shape the query projection is reshaped to ([batch,
   * sequence, heads, head size]), either a constant shape or a Concat of constants.
   */
  private static Optional<Integer> attentionHeads(OnnxModel onnx) {
    for (Node node : onnx.nodes()) {
      if (!node.opType().equals("Reshape")) {
        continue;
      }
      Optional<Node> source = onnx.producer(node.inputs().get(0));
      boolean fromQuery =
          source.isPresent()
              && source.get().opType().equals("Add")
              && source.get().inputs().stream()
                  .anyMatch(i -> i.endsWith("attention.self.query.bias"));
      if (!fromQuery) {
        continue;
      }
      String shape = node.inputs().get(1);
      Optional<WeightTensor> constant = onnx.constant(shape);
      if (constant.isPresent()) {
        long[] dims = constant.get().toLongArray();
        if (dims.length == 4 && dims[2] > 0) {
          return Optional.of((int) dims[2]);
        }
      }
      Optional<Node> concat = onnx.producer(shape);
      if (concat.isPresent()
          && concat.get().opType().equals("Concat")
          && concat.get().inputs().size() == 4) {
        Optional<WeightTensor> heads = onnx.constant(concat.get().inputs().get(2));
        if (heads.isPresent() && heads.get().numElements() == 1) {
          return Optional.of((int) heads.get().toLongArray()[0]);
        }
      }
    }
    return Optional.empty();
  }

  /** Epsilon from a LayerNormalization op, or from the Add before Sqrt of a decomposed one. */
  private static Optional<Double> layerNormEpsilon(OnnxModel onnx) {
    for (Node node : onnx.nodes()) {
      if (node.opType().equals("LayerNormalization")) {
        OnnxModel.Attribute eps = node.attributes().get("epsilon");
        return Optional.of(eps == null || eps.floatValue() == null ? 1e-5 : eps.floatValue());
      }
      if (node.opType().equals("Sqrt")) {
        Optional<Node> add = onnx.producer(node.inputs().get(0));
        if (add.isPresent() && add.get().opType().equals("Add")) {
          for (String input : add.get().inputs()) {
            Optional<WeightTensor> constant = onnx.constant(input);
            if (constant.isPresent()
                && constant.get().numElements() == 1
                && constant.get().dtype() == TensorDType.F32) {
              // Round to the float the exporter stored (1e-12 is kept as the nearest float32).
              return Optional.of(
                  Double.parseDouble(Float.toString(constant.get().toFloatArray()[0])));
            }
          }
        }
      }
    }
    LOG.warn("No LayerNorm epsilon found in the ONNX graph; using BERT's default 1e-12");
    return Optional.empty();
  }

  private static String activation(OnnxModel onnx) {
    Map<String, Integer> ops = new LinkedHashMap<>();
    for (Node node : onnx.nodes()) {
      ops.merge(node.opType(), 1, Integer::sum);
    }
    if (ops.containsKey("Erf")) {
      return "gelu";
    }
    if (ops.containsKey("Gelu")) {
      return "gelu";
    }
    if (ops.containsKey("Tanh")) {
      return "gelu_new";
    }
    if (ops.containsKey("Relu")) {
      return "relu";
    }
    throw new IllegalArgumentException(
        "Could not recognise the feed-forward activation (no Erf, Gelu, Tanh or Relu node)");
  }

  private static WeightTensor require(Map<String, WeightTensor> weights, String name) {
    WeightTensor tensor = weights.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "The ONNX model has no '" + name + "': not a BERT encoder");
    }
    return tensor;
  }
}
