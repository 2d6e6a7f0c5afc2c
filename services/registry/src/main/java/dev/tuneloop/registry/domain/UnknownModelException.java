package dev.tuneloop.registry.domain;

/** The registry holds no deployment state of a model (REST: 404). */
public class UnknownModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** For {@code model}. */
  public UnknownModelException(String model) {
    super("the registry has no deployment of model '" + model + "'");
  }
}
