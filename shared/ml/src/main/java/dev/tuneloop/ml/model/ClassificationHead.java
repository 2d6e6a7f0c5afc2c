package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sequence-classification head: dropout on the pooled text vector, then a Linear layer to one
 * logit per label. Its parameters are named {@code classifier.weight} and {@code classifier.bias},
 * as in Hugging Face's {@code BertForSequenceClassification}.
 */
public final class ClassificationHead extends NamedBlock {

  /** Prefix of the head's tensors in files. */
  public static final String PREFIX = "classifier";

  private final DenseLayer classifier;
  private final float dropout;
  private final int numLabels;

  /**
   * A head for {@code numLabels} labels on {@code hiddenSize}-wide text vectors.
   *
   * @param dropout dropout probability on the pooled vector while training
   */
  public ClassificationHead(int hiddenSize, int numLabels, double dropout) {
    if (numLabels < 2) {
      throw new IllegalArgumentException("A classifier needs at least 2 labels, got " + numLabels);
    }
    this.numLabels = numLabels;
    this.dropout = (float) dropout;
    this.classifier = addChildBlock(PREFIX, new DenseLayer(hiddenSize, numLabels));
  }

  /** Number of labels. */
  public int numLabels() {
    return numLabels;
  }

  /** Logits [batch, labels] from pooled vectors [batch, hidden]. */
  public NDArray apply(NDArray pooled, boolean training) {
    return classifier.apply(BertEmbeddings.dropout(pooled, dropout, training), training);
  }

  /**
   * Initialises the head as Hugging Face does: weight normal(0, std), bias zero; deterministic for
   * a given seed.
   */
  public void initializeRandom(NDManager manager, double std, long seed) {
    Shape weightShape = new Shape(numLabels, classifier.inFeatures());
    BertEncoder.setOrCopy(
        classifier.weight(), BertEncoder.gaussian(manager, weightShape, std, new Random(seed)));
    BertEncoder.setOrCopy(classifier.bias(), manager.zeros(new Shape(numLabels)));
  }

  /** Sets the head from {@code classifier.weight} and {@code classifier.bias}. */
  public void loadWeights(Map<String, WeightTensor> weights, NDManager manager) {
    for (Map.Entry<String, ModelParameter> entry : namedParameters().entrySet()) {
      WeightTensor tensor = weights.get(entry.getKey());
      if (tensor == null) {
        throw new IllegalArgumentException("Head weights lack '" + entry.getKey() + "'");
      }
      if (!new Shape(tensor.shape()).equals(entry.getValue().shape())) {
        throw new IllegalArgumentException(
            "Head tensor '"
                + entry.getKey()
                + "' has shape "
                + new Shape(tensor.shape())
                + ", expected "
                + entry.getValue().shape()
                + " (number of labels or hidden size differs)");
      }
      BertEncoder.setOrCopy(
          entry.getValue().parameter(), tensor.toNDArray(manager, DataType.FLOAT32));
    }
  }

  /** The head's tensors in host memory. */
  public List<WeightTensor> exportWeights() {
    List<WeightTensor> out = new ArrayList<>();
    namedParameters()
        .forEach(
            (name, parameter) ->
                out.add(WeightTensor.fromNDArray(name, parameter.parameter().getArray())));
    return out;
  }

  /** Parameters by file name ({@code classifier.weight}, {@code classifier.bias}). */
  public Map<String, ModelParameter> namedParameters() {
    Map<String, ModelParameter> out = new LinkedHashMap<>();
    collectParameters("", out);
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.head(), training));
  }

  @Override
  public void collectParameters(String prefix, Map<String, ModelParameter> out) {
    classifier.collectParameters(join(prefix, PREFIX), out);
  }
}
