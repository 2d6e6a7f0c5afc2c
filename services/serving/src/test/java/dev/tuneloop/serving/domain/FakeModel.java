package dev.tuneloop.serving.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stand-in model for unit tests: "spam" if the text contains "win", else "ham". */
final class FakeModel implements BatchModel {

  final String name;
  final long delayMillis;
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();

  FakeModel(String name, long delayMillis) {
    this.name = name;
    this.delayMillis = delayMillis;
  }

  @Override
  public List<String> labels() {
    return List.of("ham", "spam");
  }

  @Override
  public List<ModelOutput> infer(List<String> texts) {
    if (closed.get()) {
      throw new IllegalStateException(name + " used after close");
    }
    batchSizes.add(texts.size());
    try {
      Thread.sleep(delayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ModelOutput> out = new ArrayList<>();
    for (String text : texts) {
      boolean spam = text.contains("win");
      float[] p = spam ? new float[] {0.1f, 0.9f} : new float[] {0.8f, 0.2f};
      out.add(
          new ModelOutput(
              spam ? "spam" : "ham", spam ? 1 : 0, spam ? 0.9 : 0.8, p, 3, List.of(0.5, -0.25)));
    }
    return out;
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
