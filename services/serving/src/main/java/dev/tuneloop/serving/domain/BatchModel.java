package dev.tuneloop.serving.domain;

import java.util.List;

/**
 * A loaded model that answers a batch of texts in one forward pass. Implementations need not be
 * thread-safe: the {@link DynamicBatcher} calls {@link #infer} from one thread.
 */
public interface BatchModel extends AutoCloseable {

  /** Label names in index order. */
  List<String> labels();

  /** One output per text, in input order. */
  List<ModelOutput> infer(List<String> texts);

  /** Frees the model's native memory. */
  @Override
  void close();
}
