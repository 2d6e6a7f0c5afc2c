package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PredictionLogTest {

  private static LoggedPrediction prediction(int i) {
    return new LoggedPrediction(
        new Prediction(
            "r" + i,
            "spam",
            "1",
            Arm.CHAMPION,
            false,
            null,
            "ham",
            0.9,
            null,
            new Prediction.InputProfile(5, 3, null),
            1.0,
            Instant.now()),
        null);
  }

  @Test
  void batchesEverythingToTheSink() {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    List<LoggedPrediction> sent = new CopyOnWriteArrayList<>();
    try (PredictionLog log =
        new PredictionLog(
            (batch, failed) -> {
              batches.add(batch.size());
              sent.addAll(batch);
            },
            10_000,
            50)) {
      for (int i = 0; i < 1000; i++) {
        log.record(prediction(i));
      }
      Poll.until(Duration.ofSeconds(5), () -> sent.size() == 1000);
      assertThat(batches).allMatch(size -> size <= 50);
      assertThat(log.dropped()).isZero();
    }
  }

  @Test
  void aStuckSinkNeverBlocksTheCallerAndDropsAreCounted() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    PredictionLog log =
        new PredictionLog(
            (batch, failed) -> {
              try {
                stuck.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            10,
            1);
    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      log.record(prediction(i));
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
    assertThat(log.dropped()).isBetween(89L, 90L);
    stuck.countDown();
    log.close(Duration.ofSeconds(5));
  }

  @Test
  void aFailingSinkIsCountedNotThrown() {
    try (PredictionLog log =
        new PredictionLog(
            (batch, failed) -> {
              throw new IllegalStateException("broker down");
            },
            100,
            10)) {
      log.record(prediction(1));
      Poll.until(Duration.ofSeconds(5), () -> log.failed() == 1);
    }
  }
}
