package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelHandleTest {

  private static ModelHandle handle(FakeModel model) {
    return new ModelHandle(
        "1",
        "s3://b/1/",
        model,
        new DynamicBatcher<>("1", model::infer, 4, Duration.ofMillis(20), 100, s -> {}));
  }

  @Test
  void aRetiredModelServesItsRunningRequestsThenClosesPromptly() throws Exception {
    FakeModel model = new FakeModel("1", 50);
    ModelHandle handle = handle(model);
    List<CompletableFuture<ModelOutput>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      assertThat(handle.tryAcquire()).isTrue();
      CompletableFuture<ModelOutput> answer = handle.submit("text " + i);
      // as the gateway does: the last release may run on the batcher's own thread
      answer.whenComplete((o, e) -> handle.release());
      answers.add(answer);
    }
    handle.retire();
    assertThat(model.closed).isFalse();
    for (CompletableFuture<ModelOutput> answer : answers) {
      assertThat(answer.get(2, TimeUnit.SECONDS).label()).isEqualTo("ham");
    }
    Poll.until(Duration.ofSeconds(2), model.closed::get);
    assertThat(handle.tryAcquire()).isFalse();
  }

  @Test
  void retiringTwiceDropsOnlyOneReference() {
    FakeModel model = new FakeModel("1", 0);
    ModelHandle handle = handle(model);
    assertThat(handle.tryAcquire()).isTrue();
    handle.retire();
    handle.retire();
    assertThat(handle.closed()).isFalse();
    handle.release();
    assertThat(handle.closed()).isTrue();
    Poll.until(Duration.ofSeconds(2), model.closed::get);
  }
}
