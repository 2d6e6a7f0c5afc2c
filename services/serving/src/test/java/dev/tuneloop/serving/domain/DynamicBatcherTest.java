package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

  @Test
  void concurrentRequestsShareForwardPassesAndEachGetsItsOwnAnswer() throws Exception {
    FakeModel model = new FakeModel("m", 20);
    List<Integer> observed = new CopyOnWriteArrayList<>();
    try (DynamicBatcher<String, ModelOutput> batcher =
        new DynamicBatcher<>("m", model::infer, 8, Duration.ofMillis(5), 100, observed::add)) {
      List<CompletableFuture<ModelOutput>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(batcher.submit(i % 2 == 0 ? "win cash " + i : "meeting " + i));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(answers.get(i).get(5, TimeUnit.SECONDS).label())
            .isEqualTo(i % 2 == 0 ? "spam" : "ham");
      }
    }
    assertThat(model.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
    assertThat(model.batchSizes).allMatch(size -> size <= 8);
    // 40 requests queued at once: far fewer passes than requests
    assertThat(model.batchSizes.size()).isLessThanOrEqualTo(10);
    assertThat(observed).isEqualTo(model.batchSizes);
  }

  @Test
  void aLoneRequestWaitsAtMostMaxWait() throws Exception {
    FakeModel model = new FakeModel("m", 0);
    try (DynamicBatcher<String, ModelOutput> batcher =
        new DynamicBatcher<>("m", model::infer, 32, Duration.ofMillis(50), 100, s -> {})) {
      long start = System.nanoTime();
      batcher.submit("hello").get(5, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).isBetween(40L, 1000L);
    }
    assertThat(model.batchSizes).containsExactly(1);
  }

  @Test
  void aFullQueueRejectsAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (DynamicBatcher<String, String> batcher =
        new DynamicBatcher<>(
            "slow",
            texts -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return texts;
            },
            1,
            Duration.ZERO,
            2,
            s -> {})) {
      CompletableFuture<String> first = batcher.submit("a");
      Thread.sleep(100); // the worker holds "a" in its forward pass
      CompletableFuture<String> second = batcher.submit("b");
      CompletableFuture<String> third = batcher.submit("c");
      CompletableFuture<String> fourth = batcher.submit("d");
      assertThatThrownBy(() -> fourth.get(1, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(DynamicBatcher.Overloaded.class);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("a");
      assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo("c");
    }
  }

  @Test
  void aFailingForwardPassFailsOnlyItsBatch() throws Exception {
    try (DynamicBatcher<String, String> batcher =
        new DynamicBatcher<>(
            "flaky",
            texts -> {
              if (texts.contains("boom")) {
                throw new IllegalArgumentException("cannot read boom");
              }
              return texts;
            },
            1,
            Duration.ZERO,
            10,
            s -> {})) {
      CompletableFuture<String> bad = batcher.submit("boom");
      CompletableFuture<String> good = batcher.submit("fine");
      assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasMessageContaining("cannot read");
      assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("fine");
    }
  }

  @Test
  void closeAnswersWhatIsQueuedAndRefusesNewWork() throws Exception {
    FakeModel model = new FakeModel("m", 10);
    DynamicBatcher<String, ModelOutput> batcher =
        new DynamicBatcher<>("m", model::infer, 2, Duration.ZERO, 100, s -> {});
    List<CompletableFuture<ModelOutput>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(batcher.submit("text " + i));
    }
    batcher.close();
    for (CompletableFuture<ModelOutput> answer : answers) {
      assertThat(answer.get(1, TimeUnit.SECONDS).label()).isEqualTo("ham");
    }
    assertThatThrownBy(() -> batcher.submit("late").get(1, TimeUnit.SECONDS))
        .hasMessageContaining("closed");
  }

  @Test
  void severalWorkersRunForwardPassesAtTheSameTime() throws Exception {
    java.util.concurrent.atomic.AtomicInteger running =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    try (DynamicBatcher<String, String> batcher =
        new DynamicBatcher<>(
            "two",
            texts -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              running.decrementAndGet();
              return texts;
            },
            1,
            Duration.ZERO,
            10,
            2,
            s -> {})) {
      CompletableFuture<String> a = batcher.submit("a");
      CompletableFuture<String> b = batcher.submit("b");
      assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("a");
      assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("b");
    }
    assertThat(most).hasValue(2);
  }
}
