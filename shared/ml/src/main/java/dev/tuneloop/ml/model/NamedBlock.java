package dev.tuneloop.ml.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * A DJL block whose parameters carry Hugging Face names, so weights map one to one onto {@code
 * model.safetensors} tensors. DJL's own parameter names are built from child indices and cannot be
 * used for that.
 */
public abstract class NamedBlock extends AbstractBlock {

  /**
   * Adds this block's parameters and those of its children to {@code out}, named {@code prefix +
   * <hf name>}.
   */
  public abstract void collectParameters(String prefix, Map<String, ModelParameter> out);

  /** Shapes are fixed by {@link BertConfig}; DJL's shape inference is not used. */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName()
            + " takes its shapes from config.json, not from shape inference");
  }

  /** A parameter that gets its array later, from a checkpoint or an initializer. */
  protected final Parameter newParameter(String name, Parameter.Type type) {
    return addParameter(Parameter.builder().setName(name).setType(type).build());
  }

  static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}
