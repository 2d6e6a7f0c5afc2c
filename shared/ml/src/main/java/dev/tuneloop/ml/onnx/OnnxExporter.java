package dev.tuneloop.ml.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.ClassificationHead;
import dev.tuneloop.ml.model.DenseLayer;
import dev.tuneloop.ml.model.ModelParameter;
import dev.tuneloop.ml.model.Pooling;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a BERT-family sequence classifier ({@link SequenceClassifier}: encoder, pooling, linear
 * head) as an ONNX model, built from its config and its loaded weights, so any ONNX runtime (ONNX
 * Runtime, Triton, KServe) computes what the DJL model computes.
 *
 * <p>The model has IR version 8 and imports opset 17 of the default domain. Inputs: {@code
 * input_ids}, {@code attention_mask} and {@code token_type_ids}, int64 [batch, sequence] (symbolic
 * dimensions). Outputs: {@code probabilities} float [batch, labels] (softmax), {@code pooled} float
 * [batch, hidden] (the text vector the head classifies) and {@code logits} float [batch, labels].
 * Weights are initializers with their Hugging Face names and layout (Linear weights [out, in] feed
 * {@code MatMul} through a {@code Transpose}, which ONNX Runtime folds at load). The graph uses
 * {@code MatMul}+{@code Add}, {@code LayerNormalization}, erf-based GELU and {@code Softmax}: the
 * shapes ONNX Runtime's transformer fusions recognise. The label order, pooling and maximum length
 * are in the model's metadata ({@code labels} as a JSON array, {@code pooling}, {@code
 * max_length}).
 *
 * <p>With {@link Quantization#INT8} the encoder runs on ONNX Runtime's contrib ops (the model also
 * imports opset {@value #MICROSOFT_OPSET} of {@value #MICROSOFT_DOMAIN}): self-attention as {@code
 * QAttention} on packed int8 query/key/value weights, the other Linears as {@code
 * DynamicQuantizeMatMul} on int8 weights (per-channel symmetric, see {@link Quantization}),
 * residual + LayerNorm as {@code SkipLayerNormalization}; its metadata says {@code quantization}.
 *
 * <p>LoRA adapters must be merged first ({@code LoraAdapters.merge}); the DJL loader of a model
 * folder does that.
 */
public final class OnnxExporter {

  /** The ONNX IR version written. */
  public static final long IR_VERSION = 8;

  /** The opset of the default domain imported ({@code LayerNormalization} needs 17). */
  public static final long OPSET = 17;

  /** The domain of ONNX Runtime's contrib ops ({@code DynamicQuantizeMatMul}). */
  public static final String MICROSOFT_DOMAIN = "com.microsoft";

  /** The opset of {@link #MICROSOFT_DOMAIN} imported by {@link Quantization#INT8} models. */
  public static final long MICROSOFT_OPSET = 1;

  /** Protobuf messages cannot exceed 2 GiB; ONNX Runtime refuses larger ones. */
  public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8L;

  /** Activations the exported graph implements. */
  public static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu", "gelu_new", "relu");

  /** Graph input and output names. */
  public static final String INPUT_IDS = "input_ids";

  /** Graph input: 1 for real tokens, 0 for padding. */
  public static final String ATTENTION_MASK = "attention_mask";

  /** Graph input: segment ids. */
  public static final String TOKEN_TYPE_IDS = "token_type_ids";

  /** Graph output: the softmax over the labels. */
  public static final String PROBABILITIES = "probabilities";

  /** Graph output: the pooled text vector. */
  public static final String POOLED = "pooled";

  /** Graph output: the head's logits. */
  public static final String LOGITS = "logits";

  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxExporter() {}

  /**
   * The model as ONNX bytes.
   *
   * @param model the classifier, weights loaded (LoRA merged)
   * @param labels label names in index order (metadata)
   * @param maxLength the tokenizer's maximum length (metadata)
   * @throws IOException if the model cannot be expressed (the message says why), e.g. an
   *     unsupported activation, unmerged LoRA adapters, or more than 2 GiB of weights
   */
  public static byte[] toBytes(SequenceClassifier model, List<String> labels, int maxLength)
      throws IOException {
    return toBytes(model, labels, maxLength, Quantization.NONE);
  }

  /**
   * The model as ONNX bytes, its encoder Linear layers stored as {@code quantization} says.
   *
   * @see #toBytes(SequenceClassifier, List, int)
   */
  public static byte[] toBytes(
      SequenceClassifier model, List<String> labels, int maxLength, Quantization quantization)
      throws IOException {
    ProtoMessage proto = build(model, labels, maxLength, quantization);
    int size = (int) proto.size();
    ArrayOutput out = new ArrayOutput(size);
    proto.writeTo(out);
    if (out.position != size) {
      throw new IllegalStateException("wrote " + out.position + " bytes, measured " + size);
    }
    return out.bytes;
  }

  /**
   * Writes the model to a file (atomically: a temporary file is moved into place).
   *
   * @see #toBytes
   */
  public static void write(SequenceClassifier model, List<String> labels, int maxLength, Path file)
      throws IOException {
    write(model, labels, maxLength, file, Quantization.NONE);
  }

  /**
   * Writes the model to a file, its encoder Linear layers stored as {@code quantization} says.
   *
   * @see #toBytes(SequenceClassifier, List, int, Quantization)
   */
  public static void write(
      SequenceClassifier model,
      List<String> labels,
      int maxLength,
      Path file,
      Quantization quantization)
      throws IOException {
    ProtoMessage proto = build(model, labels, maxLength, quantization);
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), ".onnx-", ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
        proto.writeTo(out);
      }
      try {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Checks that a classifier of this shape can be exported, before any weight is copied.
   *
   * @throws IOException naming the problem
   */
  public static void checkExportable(BertConfig config, long parameterCount) throws IOException {
    if (!SUPPORTED_ACTIVATIONS.contains(config.hiddenAct())) {
      throw new IOException(
          "cannot export to ONNX: hidden_act '"
              + config.hiddenAct()
              + "' is not supported (supported: "
              + SUPPORTED_ACTIVATIONS
              + ")");
    }
    if (!"absolute".equals(config.positionEmbeddingType())) {
      throw new IOException(
          "cannot export to ONNX: position_embedding_type '"
              + config.positionEmbeddingType()
              + "' is not supported (only 'absolute')");
    }
    long bytes = parameterCount * 4;
    if (bytes > MAX_MODEL_BYTES) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "cannot export to ONNX: %d parameters need %.2f GiB as float32, over the 2 GiB limit"
                  + " of a protobuf ONNX file (external data is not supported)",
              parameterCount,
              bytes / (double) (1L << 30)));
    }
  }

  private static ProtoMessage build(
      SequenceClassifier model, List<String> labels, int maxLength, Quantization quantization)
      throws IOException {
    java.util.Objects.requireNonNull(quantization, "quantization");
    BertEncoder encoder = model.encoder();
    BertConfig config = encoder.config();
    ClassificationHead head = model.head();
    if (labels.size() != head.numLabels()) {
      throw new IOException(
          "cannot export to ONNX: "
              + labels.size()
              + " labels given but the head has "
              + head.numLabels()
              + " outputs");
    }
    long headParameters = (long) head.numLabels() * config.hiddenSize() + head.numLabels();
    checkExportable(config, encoder.parameterCount() + headParameters);
    for (Map.Entry<String, DenseLayer> layer : encoder.denseLayers().entrySet()) {
      if (layer.getValue().hasLora()) {
        throw new IOException(
            "cannot export to ONNX: "
                + layer.getKey()
                + " has an unmerged LoRA adapter; merge the adapters first");
      }
    }
    Map<String, WeightTensor> weights = new LinkedHashMap<>();
    collect(encoder.namedParameters(), weights);
    collect(head.namedParameters(), weights);

    GraphBuilder graph = new GraphBuilder(weights, quantization);
    String[] dims = {"batch", "sequence"};
    graph.input(INPUT_IDS, GraphBuilder.INT64, dims);
    graph.input(ATTENTION_MASK, GraphBuilder.INT64, dims);
    graph.input(TOKEN_TYPE_IDS, GraphBuilder.INT64, dims);

    String mask = graph.node("Cast", "mask/cast", List.of(ATTENTION_MASK), Attr.i("to", 1));
    String hidden = embeddings(graph, config);
    // the int8 layers' QAttention takes the 0/1 mask itself
    String maskBias = quantization == Quantization.INT8 ? null : maskBias(graph, mask);
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      hidden = layer(graph, config, "encoder.layer." + i, hidden, maskBias);
    }
    String pooled = pooling(graph, model.pooling(), hidden, mask);
    // the head stays float32 whatever the quantization: it is tiny and decides the label
    String logits = graph.floatLinear("classifier", pooled, LOGITS);
    graph.node(
        "Softmax", PROBABILITIES, List.of(logits), List.of(PROBABILITIES), Attr.i("axis", -1));

    graph.output(PROBABILITIES, "batch", (long) labels.size());
    graph.output(POOLED, "batch", (long) config.hiddenSize());
    graph.output(LOGITS, "batch", (long) labels.size());

    Map<String, String> metadata = new LinkedHashMap<>();
    try {
      metadata.put("labels", JSON.writeValueAsString(labels));
    } catch (JsonProcessingException e) {
      throw new IOException(e);
    }
    metadata.put("pooling", model.pooling().id());
    metadata.put("max_length", Integer.toString(maxLength));
    metadata.put("model_type", config.modelType());
    metadata.put("hidden_act", config.hiddenAct());
    metadata.put("quantization", quantization.id());
    ProtoMessage modelProto =
        new ProtoMessage()
            .varint(1, IR_VERSION)
            .string(2, "tuneloop")
            .string(3, "1")
            .string(
                6,
                "BERT-family sequence classifier exported by tuneloop: inputs input_ids,"
                    + " attention_mask, token_type_ids (int64 [batch, sequence]); outputs"
                    + " probabilities, pooled, logits")
            .message(7, graph.build("tuneloop_sequence_classifier"))
            .message(8, new ProtoMessage().varint(2, OPSET));
    if (quantization == Quantization.INT8) {
      modelProto.message(
          8, new ProtoMessage().string(1, MICROSOFT_DOMAIN).varint(2, MICROSOFT_OPSET));
    }
    metadata.forEach(
        (k, v) -> modelProto.message(14, new ProtoMessage().string(1, k).string(2, v)));
    if (modelProto.size() > MAX_MODEL_BYTES) {
      throw new IOException(
          "cannot export to ONNX: the model would take "
              + modelProto.size()
              + " bytes, over the 2 GiB limit of a protobuf ONNX file");
    }
    return modelProto;
  }

  private static void collect(Map<String, ModelParameter> parameters, Map<String, WeightTensor> out)
      throws IOException {
    for (Map.Entry<String, ModelParameter> entry : parameters.entrySet()) {
      if (!entry.getValue().parameter().isInitialized()) {
        throw new IOException(
            "cannot export to ONNX: " + entry.getKey() + " has no weights loaded");
      }
      WeightTensor tensor =
          WeightTensor.fromNDArray(entry.getKey(), entry.getValue().parameter().getArray());
      if (tensor.dtype() != dev.tuneloop.ml.weights.TensorDType.F32) {
        throw new IOException(
            "cannot export to ONNX: " + entry.getKey() + " is " + tensor.dtype() + ", not float32");
      }
      out.put(entry.getKey(), tensor);
    }
  }

  /** Word + position + token type embeddings, then LayerNorm: [batch, sequence, hidden]. */
  private static String embeddings(GraphBuilder graph, BertConfig config) {
    String p = "embeddings";
    String words =
        graph.node("Gather", p + "/words", List.of(p + ".word_embeddings.weight", INPUT_IDS));
    String types =
        graph.node(
            "Gather",
            p + "/token_types",
            List.of(p + ".token_type_embeddings.weight", TOKEN_TYPE_IDS));
    // positions 0..S-1: the first S rows of the position table, [S, hidden], broadcast over batch
    String length =
        graph.node(
            "Shape", p + "/length", List.of(INPUT_IDS), Attr.i("start", 1), Attr.i("end", 2));
    String positions =
        graph.node(
            "Slice",
            p + "/positions",
            List.of(
                p + ".position_embeddings.weight",
                graph.constLongs("const/zero_1d", new long[] {0}),
                length,
                graph.constLongs("const/zero_1d", new long[] {0})));
    String sum = graph.node("Add", p + "/add_types", List.of(words, types));
    sum = graph.node("Add", p + "/add_positions", List.of(sum, positions));
    return graph.layerNorm(p + ".LayerNorm", sum, config.layerNormEps());
  }

  /** (1 - mask) * float32 minimum as [batch, 1, 1, sequence], added to attention scores. */
  private static String maskBias(GraphBuilder graph, String mask) {
    String inverted =
        graph.node("Sub", "mask/invert", List.of(graph.constFloat("const/one", 1f), mask));
    String bias =
        graph.node(
            "Mul",
            "mask/bias",
            List.of(inverted, graph.constFloat("const/mask_value", -Float.MAX_VALUE)));
    return graph.node(
        "Unsqueeze",
        "mask/expand",
        List.of(bias, graph.constLongs("const/axes_1_2", new long[] {1, 2})));
  }

  private static String layer(
      GraphBuilder graph, BertConfig config, String p, String hidden, String maskBias) {
    if (graph.quantization == Quantization.INT8) {
      return int8Layer(graph, config, p, hidden);
    }
    int heads = config.numAttentionHeads();
    int headSize = config.headSize();
    String split = graph.constLongs("const/split_heads", new long[] {0, 0, heads, headSize});
    String q = graph.linear(p + ".attention.self.query", hidden, null);
    String k = graph.linear(p + ".attention.self.key", hidden, null);
    String v = graph.linear(p + ".attention.self.value", hidden, null);
    // [B, S, H] -> [B, heads, S, headSize] (keys: [B, heads, headSize, S])
    q = graph.node("Reshape", p + "/q/split", List.of(q, split));
    q = graph.node("Transpose", p + "/q/heads", List.of(q), Attr.ints("perm", 0, 2, 1, 3));
    k = graph.node("Reshape", p + "/k/split", List.of(k, split));
    k = graph.node("Transpose", p + "/k/heads", List.of(k), Attr.ints("perm", 0, 2, 3, 1));
    v = graph.node("Reshape", p + "/v/split", List.of(v, split));
    v = graph.node("Transpose", p + "/v/heads", List.of(v), Attr.ints("perm", 0, 2, 1, 3));
    String scores = graph.node("MatMul", p + "/scores", List.of(q, k));
    scores =
        graph.node(
            "Div",
            p + "/scores/scaled",
            List.of(scores, graph.constFloat("const/sqrt_head_size", (float) Math.sqrt(headSize))));
    scores = graph.node("Add", p + "/scores/masked", List.of(scores, maskBias));
    String attention = graph.node("Softmax", p + "/attention", List.of(scores), Attr.i("axis", -1));
    String context = graph.node("MatMul", p + "/context", List.of(attention, v));
    context =
        graph.node(
            "Transpose", p + "/context/merge", List.of(context), Attr.ints("perm", 0, 2, 1, 3));
    context =
        graph.node(
            "Reshape",
            p + "/context/flat",
            List.of(
                context,
                graph.constLongs("const/merge_heads", new long[] {0, 0, config.hiddenSize()})));
    String attended = graph.linear(p + ".attention.output.dense", context, null);
    attended = graph.node("Add", p + "/attention/residual", List.of(attended, hidden));
    attended = graph.layerNorm(p + ".attention.output.LayerNorm", attended, config.layerNormEps());

    String expanded = graph.linear(p + ".intermediate.dense", attended, null);
    expanded = activation(graph, config.hiddenAct(), p + "/intermediate/act", expanded);
    String projected = graph.linear(p + ".output.dense", expanded, null);
    projected = graph.node("Add", p + "/output/residual", List.of(projected, attended));
    return graph.layerNorm(p + ".output.LayerNorm", projected, config.layerNormEps());
  }

  /**
   * An int8 encoder layer with ONNX Runtime's fused contrib ops: the input is quantized once
   * ({@code DynamicQuantizeLinear}) for {@code QAttention} on the packed query/key/value weights,
   * and residual + LayerNorm run as {@code SkipLayerNormalization}. Same function as the unfused
   * graph (the same probabilities on MiniLM when compared once); 3-6% less time per call on MiniLM.
   */
  private static String int8Layer(GraphBuilder graph, BertConfig config, String p, String hidden) {
    String context = graph.quantizedAttention(p, hidden, config.numAttentionHeads());
    String attended = graph.linear(p + ".attention.output.dense", context, null);
    attended =
        graph.skipLayerNorm(
            p + ".attention.output.LayerNorm", attended, hidden, config.layerNormEps());
    String expanded = graph.linear(p + ".intermediate.dense", attended, null);
    expanded = activation(graph, config.hiddenAct(), p + "/intermediate/act", expanded);
    String projected = graph.linear(p + ".output.dense", expanded, null);
    return graph.skipLayerNorm(p + ".output.LayerNorm", projected, attended, config.layerNormEps());
  }

  private static String activation(GraphBuilder graph, String act, String p, String x) {
    return switch (act) {
      case "relu" -> graph.node("Relu", p, List.of(x));
      case "gelu" -> {
        // 0.5 x (1 + erf(x / sqrt(2))), the pattern ONNX Runtime fuses into Gelu
        String scaled =
            graph.node(
                "Div",
                p + "/div",
                List.of(x, graph.constFloat("const/sqrt2", (float) Math.sqrt(2))));
        String erf = graph.node("Erf", p + "/erf", List.of(scaled));
        String plus =
            graph.node("Add", p + "/add", List.of(erf, graph.constFloat("const/one", 1f)));
        String times = graph.node("Mul", p + "/mul", List.of(x, plus));
        yield graph.node("Mul", p + "/half", List.of(times, graph.constFloat("const/half", 0.5f)));
      }
      case "gelu_new" -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        String cube =
            graph.node("Pow", p + "/cube", List.of(x, graph.constFloat("const/three", 3f)));
        String scaledCube =
            graph.node(
                "Mul",
                p + "/cube_scaled",
                List.of(cube, graph.constFloat("const/gelu_c", 0.044715f)));
        String inner = graph.node("Add", p + "/inner", List.of(x, scaledCube));
        inner =
            graph.node(
                "Mul",
                p + "/inner_scaled",
                List.of(
                    inner,
                    graph.constFloat("const/sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
        String tanh = graph.node("Tanh", p + "/tanh", List.of(inner));
        String plus =
            graph.node("Add", p + "/add", List.of(tanh, graph.constFloat("const/one", 1f)));
        String times = graph.node("Mul", p + "/mul", List.of(x, plus));
        yield graph.node("Mul", p + "/half", List.of(times, graph.constFloat("const/half", 0.5f)));
      }
      default -> throw new IllegalStateException("unsupported activation " + act);
    };
  }

  private static String pooling(GraphBuilder graph, Pooling pooling, String hidden, String mask) {
    return switch (pooling) {
      case CLS ->
          graph.node(
              "Gather",
              "pooling/cls",
              List.of(hidden, graph.constLongs("const/zero", new long[0], 0L)),
              List.of(POOLED),
              Attr.i("axis", 1));
      case MEAN -> {
        String weights =
            graph.node(
                "Unsqueeze",
                "pooling/mask",
                List.of(mask, graph.constLongs("const/axis_2", new long[] {2})));
        String axis1 = graph.constLongs("const/axis_1", new long[] {1});
        String masked = graph.node("Mul", "pooling/masked", List.of(hidden, weights));
        String summed =
            graph.node("ReduceSum", "pooling/sum", List.of(masked, axis1), Attr.i("keepdims", 0));
        String counts =
            graph.node(
                "ReduceSum", "pooling/count", List.of(weights, axis1), Attr.i("keepdims", 0));
        counts =
            graph.node(
                "Max", "pooling/count_min", List.of(counts, graph.constFloat("const/tiny", 1e-9f)));
        yield graph.node("Div", "pooling/mean", List.of(summed, counts), List.of(POOLED));
      }
    };
  }

  /** A node attribute. */
  record Attr(String name, int type, long intValue, float floatValue, long[] values) {
    static Attr i(String name, long value) {
      return new Attr(name, 2, value, 0, null);
    }

    static Attr f(String name, float value) {
      return new Attr(name, 1, 0, value, null);
    }

    static Attr ints(String name, long... values) {
      return new Attr(name, 7, 0, 0, values);
    }

    ProtoMessage proto() {
      ProtoMessage m = new ProtoMessage().string(1, name).varint(20, type);
      switch (type) {
        case 1 -> m.float32(2, floatValue);
        case 2 -> m.varint(3, intValue);
        case 7 -> m.packedInt64(8, values);
        default -> throw new IllegalStateException("attribute type " + type);
      }
      return m;
    }
  }

  /** Accumulates nodes, initializers and value infos of one graph. */
  static final class GraphBuilder {
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    private static final String MASK_INT32 = "mask/int32:0";

    private final Map<String, WeightTensor> weights;
    final Quantization quantization;
    private boolean maskInt32Added;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final Map<String, ProtoMessage> initializers = new LinkedHashMap<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();

    GraphBuilder(Map<String, WeightTensor> weights, Quantization quantization) {
      this.weights = weights;
      this.quantization = quantization;
    }

    void input(String name, int elemType, String... dims) {
      ProtoMessage shape = new ProtoMessage();
      for (String dim : dims) {
        shape.message(1, new ProtoMessage().string(2, dim));
      }
      inputs.add(valueInfo(name, elemType, shape));
    }

    void output(String name, String batchDim, long width) {
      ProtoMessage shape =
          new ProtoMessage()
              .message(1, new ProtoMessage().string(2, batchDim))
              .message(1, new ProtoMessage().varint(1, width));
      outputs.add(valueInfo(name, FLOAT, shape));
    }

    private static ProtoMessage valueInfo(String name, int elemType, ProtoMessage shape) {
      ProtoMessage tensorType = new ProtoMessage().varint(1, elemType).message(2, shape);
      return new ProtoMessage()
          .string(1, name)
          .message(2, new ProtoMessage().message(1, tensorType));
    }

    /** Adds a node with one output named after the node; returns that output. */
    String node(String opType, String name, List<String> nodeInputs, Attr... attrs) {
      return node(opType, name, nodeInputs, List.of(name + ":0"), attrs);
    }

    /** Adds a node with the given outputs; returns the first. */
    String node(
        String opType,
        String name,
        List<String> nodeInputs,
        List<String> nodeOutputs,
        Attr... attrs) {
      return node(null, opType, name, nodeInputs, nodeOutputs, attrs);
    }

    /** Adds a node of an operator domain ({@code null}: the default ONNX domain). */
    String node(
        String domain,
        String opType,
        String name,
        List<String> nodeInputs,
        List<String> nodeOutputs,
        Attr... attrs) {
      ProtoMessage node = new ProtoMessage();
      for (String input : nodeInputs) {
        requireKnown(input);
        node.string(1, input);
      }
      for (String output : nodeOutputs) {
        node.string(2, output);
      }
      node.string(3, name).string(4, opType);
      for (Attr attr : attrs) {
        node.message(5, attr.proto());
      }
      if (domain != null) {
        node.string(7, domain);
      }
      nodes.add(node);
      return nodeOutputs.get(0);
    }

    private void requireKnown(String input) {
      WeightTensor weight = weights.get(input);
      if (weight != null && !initializers.containsKey(input)) {
        initializers.put(input, tensor(input, FLOAT, weight.shape(), weight));
      }
    }

    /**
     * {@code x W^T + b} for the encoder Linear module {@code module} ({@code .weight}, {@code
     * .bias}), quantized if the graph's quantization says so.
     */
    String linear(String module, String x, String outputName) {
      if (quantization == Quantization.INT8) {
        return int8Linear(module, x, outputName);
      }
      return floatLinear(module, x, outputName);
    }

    /**
     * {@code DynamicQuantizeMatMul(x, int8 W^T, per-column scales, zero points, b)}: see {@link
     * Quantization#INT8}.
     */
    private String int8Linear(String module, String x, String outputName) {
      WeightTensor weight = weights.get(module + ".weight");
      QuantizedWeight q = QuantizedWeight.of(weight);
      String b = module + ".weight_int8";
      String scale = module + ".weight_scale";
      String zeroPoint = module + ".weight_zero_point";
      initializers.put(
          b,
          new ProtoMessage()
              .packedInt64(1, new long[] {q.in(), q.out()})
              .varint(2, INT8)
              .string(8, b)
              .bytes(9, java.nio.ByteBuffer.wrap(q.values())));
      initializers.put(
          scale,
          tensor(
              scale,
              FLOAT,
              new long[] {q.out()},
              WeightTensor.ofFloats(scale, new long[] {q.out()}, q.scales())));
      initializers.put(
          zeroPoint,
          new ProtoMessage()
              .packedInt64(1, new long[] {q.out()})
              .varint(2, INT8)
              .string(8, zeroPoint)
              .bytes(9, java.nio.ByteBuffer.wrap(new byte[q.out()])));
      List<String> out = List.of(outputName != null ? outputName : module + "/qmatmul:0");
      return node(
          MICROSOFT_DOMAIN,
          "DynamicQuantizeMatMul",
          module + "/qmatmul",
          List.of(x, b, scale, zeroPoint, module + ".bias"),
          out);
    }

    /**
     * Self-attention of the layer {@code p} as {@code com.microsoft:QAttention}: {@code x}
     * quantized to uint8 once, the query, key and value weights packed into one int8 {@code [in, 3
     * * out]} matrix (per-column scales, zero points 0) with their biases; the attention mask as
     * int32 {@code [batch, sequence]}. Returns the context {@code [batch, sequence, hidden]}.
     */
    String quantizedAttention(String p, String x, int heads) {
      String module = p + ".attention.self";
      QuantizedWeight[] parts = new QuantizedWeight[3];
      float[][] biases = new float[3][];
      String[] names = {"query", "key", "value"};
      for (int i = 0; i < 3; i++) {
        parts[i] = QuantizedWeight.of(weights.get(module + "." + names[i] + ".weight"));
        biases[i] = weights.get(module + "." + names[i] + ".bias").toFloatArray();
      }
      int in = parts[0].in();
      int out = parts[0].out();
      byte[] packed = new byte[in * 3 * out];
      float[] scales = new float[3 * out];
      float[] bias = new float[3 * out];
      for (int i = 0; i < 3; i++) {
        for (int row = 0; row < in; row++) {
          System.arraycopy(parts[i].values(), row * out, packed, row * 3 * out + i * out, out);
        }
        System.arraycopy(parts[i].scales(), 0, scales, i * out, out);
        System.arraycopy(biases[i], 0, bias, i * out, out);
      }
      String w = module + ".qkv.weight_int8";
      String scale = module + ".qkv.weight_scale";
      String zeroPoint = module + ".qkv.weight_zero_point";
      String b = module + ".qkv.bias";
      initializers.put(
          w,
          new ProtoMessage()
              .packedInt64(1, new long[] {in, 3L * out})
              .varint(2, INT8)
              .string(8, w)
              .bytes(9, java.nio.ByteBuffer.wrap(packed)));
      initializers.put(
          scale,
          tensor(
              scale,
              FLOAT,
              new long[] {3L * out},
              WeightTensor.ofFloats(scale, new long[] {3L * out}, scales)));
      initializers.put(
          zeroPoint,
          new ProtoMessage()
              .packedInt64(1, new long[] {3L * out})
              .varint(2, INT8)
              .string(8, zeroPoint)
              .bytes(9, java.nio.ByteBuffer.wrap(new byte[3 * out])));
      initializers.put(
          b,
          tensor(
              b,
              FLOAT,
              new long[] {3L * out},
              WeightTensor.ofFloats(b, new long[] {3L * out}, bias)));
      List<String> quantized =
          List.of(
              p + "/attention/x_uint8", p + "/attention/x_scale", p + "/attention/x_zero_point");
      node(null, "DynamicQuantizeLinear", p + "/attention/quantize", List.of(x), quantized);
      if (!maskInt32Added) {
        node(
            "Cast",
            "mask/int32",
            List.of(ATTENTION_MASK),
            List.of(MASK_INT32),
            Attr.i("to", INT32));
        maskInt32Added = true;
      }
      return node(
          MICROSOFT_DOMAIN,
          "QAttention",
          p + "/attention",
          List.of(
              quantized.get(0),
              w,
              b,
              quantized.get(1),
              scale,
              MASK_INT32,
              quantized.get(2),
              zeroPoint),
          List.of(p + "/attention:0"),
          Attr.i("num_heads", heads));
    }

    /** {@code LayerNorm(x + skip)} as {@code com.microsoft:SkipLayerNormalization}. */
    String skipLayerNorm(String module, String x, String skip, double eps) {
      return node(
          MICROSOFT_DOMAIN,
          "SkipLayerNormalization",
          module,
          List.of(x, skip, module + ".weight", module + ".bias"),
          List.of(module + ":0"),
          Attr.f("epsilon", (float) eps));
    }

    /** Float32 {@code x W^T + b}. */
    String floatLinear(String module, String x, String outputName) {
      String weight = module + ".weight";
      String transposed =
          node("Transpose", module + "/weight_t", List.of(weight), Attr.ints("perm", 1, 0));
      String product = node("MatMul", module + "/matmul", List.of(x, transposed));
      List<String> out = List.of(outputName != null ? outputName : module + "/add:0");
      return node("Add", module + "/add", List.of(product, module + ".bias"), out);
    }

    String layerNorm(String module, String x, double eps) {
      return node(
          "LayerNormalization",
          module,
          List.of(x, module + ".weight", module + ".bias"),
          Attr.i("axis", -1),
          Attr.f("epsilon", (float) eps));
    }

    String constFloat(String name, float value) {
      if (!initializers.containsKey(name)) {
        WeightTensor tensor = WeightTensor.ofFloats(name, new long[0], new float[] {value});
        initializers.put(name, tensor(name, FLOAT, new long[0], tensor));
      }
      return name;
    }

    String constLongs(String name, long[] dims, long... values) {
      if (!initializers.containsKey(name)) {
        java.nio.ByteBuffer data =
            java.nio.ByteBuffer.allocate(values.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
          data.putLong(value);
        }
        data.flip();
        initializers.put(
            name,
            new ProtoMessage()
                .packedInt64(1, dims)
                .varint(2, INT64)
                .string(8, name)
                .bytes(9, data));
      }
      return name;
    }

    String constLongs(String name, long[] values) {
      return constLongs(name, new long[] {values.length}, values);
    }

    private static ProtoMessage tensor(String name, int type, long[] dims, WeightTensor data) {
      return new ProtoMessage()
          .packedInt64(1, dims)
          .varint(2, type)
          .string(8, name)
          .bytes(9, data.data());
    }

    ProtoMessage build(String name) {
      ProtoMessage graph = new ProtoMessage();
      nodes.forEach(n -> graph.message(1, n));
      graph.string(2, name);
      initializers.values().forEach(t -> graph.message(5, t));
      inputs.forEach(i -> graph.message(11, i));
      outputs.forEach(o -> graph.message(12, o));
      return graph;
    }
  }

  /** An output stream into a preallocated array. */
  private static final class ArrayOutput extends OutputStream {
    final byte[] bytes;
    int position;

    ArrayOutput(int size) {
      bytes = new byte[size];
    }

    @Override
    public void write(int b) {
      bytes[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, position, len);
      position += len;
    }
  }
}
