package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A Hugging Face BERT-family encoder ({@code BertModel} without the pooler) built from DJL blocks
 * and static ops, shaped by {@link BertConfig}. Parameters carry Hugging Face names ({@code
 * embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight}, ...).
 *
 * <p>DJL's own {@code BertBlock} is not used: it differs from Hugging Face BERT (normalization,
 * feed-forward residual, pooling) and cannot load its checkpoints.
 */
public final class BertEncoder extends NamedBlock {

  /** Added to attention scores of padding positions, as Hugging Face does (float32 minimum). */
  private static final float MASK_VALUE = -Float.MAX_VALUE;

  private final BertConfig config;
  private final BertEmbeddings embeddings;
  private final List<BertLayer> layers = new ArrayList<>();

  /** An encoder with unset parameters; load or initialise them before use. */
  public BertEncoder(BertConfig config) {
    this.config = config;
    this.embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(addChildBlock("layer" + i, new BertLayer(config)));
    }
  }

  /** The config that shaped this encoder. */
  public BertConfig config() {
    return config;
  }

  /**
   * Runs the encoder.
   *
   * @return the last hidden state [batch, sequence, hidden]
   */
  public NDArray apply(EncoderInput input, boolean training) {
    NDArray maskBias = maskBias(input.attentionMask());
    NDArray hidden =
        scoped(() -> embeddings.apply(input.inputIds(), input.tokenTypeIds(), training));
    for (BertLayer layer : layers) {
      NDArray previous = hidden;
      hidden = scoped(() -> layer.apply(previous, maskBias, training));
      previous.close();
    }
    return hidden;
  }

  /** Number of transformer layers. */
  public int numLayers() {
    return layers.size();
  }

  /**
   * The embedding stage alone, for callers that run the encoder stage by stage (gradient
   * checkpointing): [batch, sequence, hidden].
   */
  public NDArray embed(EncoderInput input, boolean training) {
    return scoped(() -> embeddings.apply(input.inputIds(), input.tokenTypeIds(), training));
  }

  /**
   * One transformer layer alone; {@code maskBias} comes from {@link #attentionBias}. Running {@link
   * #embed} and then every layer in order is exactly {@link #apply}.
   */
  public NDArray applyLayer(int index, NDArray hidden, NDArray maskBias, boolean training) {
    return scoped(() -> layers.get(index).apply(hidden, maskBias, training));
  }

  /**
   * The additive attention bias of a [batch, sequence] attention mask: [batch, 1, 1, sequence], or
   * null when every token is real (no padding: adding zeros would only cost a pass over the
   * attention scores of every layer).
   */
  public static NDArray attentionBias(NDArray attentionMask) {
    return maskBias(attentionMask);
  }

  /**
   * Runs one stage and closes the handles of its intermediate arrays right away, keeping only its
   * output. DJL would otherwise hold every intermediate until the caller's manager closes, so a
   * forward pass would need the memory of all layers' temporaries at once. While training, the
   * tensors backward needs stay alive inside libtorch's autograd graph (closing a handle only drops
   * a reference), which is how PyTorch itself frees memory during the forward pass.
   */
  private static NDArray scoped(Supplier<NDArray> stage) {
    NDArray output;
    try (NDScope scope = new NDScope()) {
      output = stage.get();
      NDScope.unregister(output);
    }
    NDScope.register(output); // hand it to the caller's scope, if there is one
    return output;
  }

  private static NDArray maskBias(NDArray attentionMask) {
    if (!attentionMask.eq(0).any().getBoolean()) {
      return null;
    }
    Shape shape = attentionMask.getShape();
    // (1 - mask) * min: 0 where attended, the float minimum where padded; [B, 1, 1, T]
    return attentionMask
        .toType(DataType.FLOAT32, false)
        .neg()
        .addi(1)
        .muli(MASK_VALUE)
        .reshape(shape.get(0), 1, 1, shape.get(1));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokenTypes = inputs.size() > 2 ? inputs.get(2) : inputs.get(0).zerosLike();
    return new NDList(apply(new EncoderInput(inputs.get(0), inputs.get(1), tokenTypes), training));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    embeddings.collectParameters(join(prefix, "embeddings"), out);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).collectParameters(join(prefix, "encoder.layer." + i), out);
    }
  }

  /** All parameters by Hugging Face name, in model order. */
  public Map<String, ModelParameter> namedParameters() {
    Map<String, ModelParameter> out = new LinkedHashMap<>();
    collectParameters("", out);
    return Collections.unmodifiableMap(out);
  }

  /**
   * Every Linear module by its Hugging Face module path, e.g. {@code
   * encoder.layer.0.attention.self.query} (the targets LoRA can adapt).
   */
  public Map<String, DenseLayer> denseLayers() {
    Map<String, DenseLayer> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = "encoder.layer." + i + ".";
      layers.get(i).denseLayers().forEach((path, layer) -> out.put(prefix + path, layer));
    }
    return out;
  }

  /**
   * Sets every parameter from Hugging Face weights ({@code model.safetensors} of a {@code
   * BertModel}; a {@code bert.} prefix, as {@code BertFor*} checkpoints have, is accepted).
   * Half-precision weights are widened to float32.
   *
   * @return names in {@code weights} that the encoder does not use (e.g. the pooler)
   * @throws IllegalArgumentException listing missing tensors or shape mismatches
   */
  public List<String> loadWeights(Map<String, WeightTensor> weights, NDManager manager) {
    Map<String, WeightTensor> byName = new LinkedHashMap<>();
    for (WeightTensor tensor : weights.values()) {
      String name = tensor.name().startsWith("bert.") ? tensor.name().substring(5) : tensor.name();
      byName.put(name, tensor);
    }
    List<String> problems = new ArrayList<>();
    Map<String, ModelParameter> parameters = namedParameters();
    for (Map.Entry<String, ModelParameter> entry : parameters.entrySet()) {
      WeightTensor tensor = byName.get(entry.getKey());
      Shape expected = entry.getValue().shape();
      if (tensor == null) {
        problems.add("missing " + entry.getKey());
      } else if (!new Shape(tensor.shape()).equals(expected)) {
        problems.add(
            entry.getKey()
                + " has shape "
                + new Shape(tensor.shape())
                + ", config.json implies "
                + expected);
      } else if (!tensor.dtype().isFloatingPoint()) {
        problems.add(entry.getKey() + " is " + tensor.dtype() + ", not a floating-point type");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Weights do not fit the encoder described by config.json: "
              + String.join("; ", problems));
    }
    for (Map.Entry<String, ModelParameter> entry : parameters.entrySet()) {
      NDArray array = byName.get(entry.getKey()).toNDArray(manager, DataType.FLOAT32);
      setOrCopy(entry.getValue().parameter(), array);
    }
    List<String> unused = new ArrayList<>(byName.keySet());
    unused.removeAll(parameters.keySet());
    return unused;
  }

  /**
   * Initialises every parameter as Hugging Face does for a fresh model: normal(0, initializer
   * range) for weights and embeddings, ones and zeros for LayerNorm, zero biases. Deterministic for
   * a given seed (uses a Java RNG, not the engine's).
   */
  public void initializeRandom(NDManager manager, long seed) {
    Random random = new Random(seed);
    for (Map.Entry<String, ModelParameter> entry : namedParameters().entrySet()) {
      String name = entry.getKey();
      Shape shape = entry.getValue().shape();
      NDArray array;
      if (name.endsWith("LayerNorm.weight")) {
        array = manager.ones(shape);
      } else if (name.endsWith(".bias")) {
        array = manager.zeros(shape);
      } else {
        array = gaussian(manager, shape, config.initializerRange(), random);
      }
      setOrCopy(entry.getValue().parameter(), array);
    }
  }

  static NDArray gaussian(NDManager manager, Shape shape, double std, Random random) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return manager.create(values, shape);
  }

  /**
   * Gives a parameter its array: sets it the first time, afterwards copies the values into the
   * existing array so references held elsewhere (e.g. by an optimizer) stay valid.
   */
  static void setOrCopy(Parameter parameter, NDArray array) {
    if (!parameter.isInitialized()) {
      parameter.setArray(array);
      return;
    }
    NDArray target = parameter.getArray();
    if (!target.getShape().equals(array.getShape())) {
      throw new IllegalArgumentException(
          parameter.getName()
              + ": shape "
              + array.getShape()
              + " does not match "
              + target.getShape());
    }
    copyInto(target, array);
    array.close();
  }

  /**
   * Copies values into an existing array in place ({@code target[...] = source}). DJL's {@code
   * copyTo} would instead re-point the target at a Java buffer.
   */
  public static void copyInto(NDArray target, NDArray source) {
    try (GradMode noGrad = GradMode.disabled()) {
      target.set(ALL, source);
    }
  }

  private static final NDIndex ALL = new NDIndex("...");

  /** All parameters as host tensors with Hugging Face names ({@code model.safetensors} content). */
  public List<WeightTensor> exportWeights() {
    List<WeightTensor> out = new ArrayList<>();
    namedParameters()
        .forEach(
            (name, parameter) ->
                out.add(WeightTensor.fromNDArray(name, parameter.parameter().getArray())));
    return out;
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    long count = 0;
    for (ModelParameter parameter : namedParameters().values()) {
      count += parameter.shape().size();
    }
    return count;
  }
}
