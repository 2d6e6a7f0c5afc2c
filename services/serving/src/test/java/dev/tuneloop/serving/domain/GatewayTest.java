package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.serving.domain.RequestRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayTest {

  private final List<FakeModel> loaded = new CopyOnWriteArrayList<>();
  private final List<LoggedPrediction> recorded = new CopyOnWriteArrayList<>();
  private final DeployedModels models =
      new DeployedModels(
          (name, version) -> {
            FakeModel model = new FakeModel(version.version(), 2);
            loaded.add(model);
            return model;
          },
          new BatchingSettings(8, Duration.ofMillis(1), 1000, 2),
          Pattern.compile(".*"),
          s -> {});
  private final PredictionLog log =
      new PredictionLog((batch, failed) -> recorded.addAll(batch), 100_000, 100);
  private final Gateway gateway =
      new Gateway(
          models,
          new TrafficRouter(Math::random),
          log,
          new Gateway.Limits(4, 50, Duration.ofSeconds(5), Duration.ofSeconds(3)),
          Clock.systemUTC());

  @AfterEach
  void close() {
    log.close();
    models.close();
  }

  private void deploy(long revision, String champion, String challenger, Mode mode, double w) {
    models.offer(States.state("spam", revision, champion, challenger, mode, w), "corr-" + revision);
    Poll.until(
        Duration.ofSeconds(10),
        () -> models.deployment("spam").map(d -> d.revision() == revision).orElse(false));
  }

  private static void rejected(ThrowingCallable call, Reason reason, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RequestRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }

  @Test
  void answersCarryLabelProbabilitiesVersionArmAndRequestIdAndAreRecorded() {
    deploy(1, "3", null, Mode.AB, 0);
    List<Gateway.Answer> answers =
        gateway.predict(
            "spam",
            List.of(
                new Gateway.Instance("win cash now", "u1"), new Gateway.Instance("lunch?", null)));
    assertThat(answers).extracting(Gateway.Answer::label).containsExactly("spam", "ham");
    assertThat(answers.get(0).probabilities()).containsEntry("spam", 0.8999999761581421);
    assertThat(answers).allMatch(a -> a.modelVersion().equals("3") && a.arm() == Arm.CHAMPION);
    assertThat(answers.get(0).requestId()).isNotEqualTo(answers.get(1).requestId());

    Poll.until(Duration.ofSeconds(5), () -> recorded.size() == 2);
    Prediction p = recorded.get(0).prediction();
    assertThat(p.requestId()).isEqualTo(answers.get(0).requestId());
    assertThat(p.routingKey()).isEqualTo("u1");
    assertThat(p.shadow()).isFalse();
    assertThat(p.input().textLength()).isEqualTo("win cash now".length());
    assertThat(p.input().embeddingProjections()).containsExactly(0.5, -0.25);
    assertThat(recorded.get(0).correlationId()).isEqualTo("corr-1");
  }

  @Test
  void badRequestsAreRejectedWithTheReason() {
    deploy(1, "1", null, Mode.AB, 0);
    rejected(() -> gateway.predict("spam", List.of()), Reason.BAD_REQUEST, "no texts");
    rejected(
        () -> gateway.predict("spam", List.of(new Gateway.Instance("  ", null))),
        Reason.BAD_REQUEST,
        "instances[0]: text is empty");
    rejected(
        () -> gateway.predict("spam", List.of(new Gateway.Instance("x".repeat(51), null))),
        Reason.TOO_LARGE,
        "51 characters; at most 50");
    rejected(
        () -> gateway.predict("spam", Collections.nCopies(5, new Gateway.Instance("a", null))),
        Reason.TOO_LARGE,
        "5 texts");
    rejected(
        () -> gateway.predict("bad name!", List.of(new Gateway.Instance("a", null))),
        Reason.BAD_REQUEST,
        "model name");
    rejected(
        () -> gateway.predict("nobody", List.of(new Gateway.Instance("a", null))),
        Reason.UNKNOWN_MODEL,
        "no model named 'nobody'");
  }

  @Test
  void aModelBeingLoadedAnswers503WithRetryAfter() {
    DeployedModels slow =
        new DeployedModels(
            (name, version) -> {
              Thread.sleep(2000);
              return new FakeModel("1", 0);
            },
            new BatchingSettings(8, Duration.ZERO, 10, 1),
            Pattern.compile(".*"),
            s -> {});
    try {
      Gateway g =
          new Gateway(
              slow,
              new TrafficRouter(Math::random),
              log,
              new Gateway.Limits(4, 50, Duration.ofSeconds(5), Duration.ofSeconds(3)),
              Clock.systemUTC());
      slow.offer(States.state("spam", 1, "1", null, Mode.AB, 0), "c");
      assertThatThrownBy(() -> g.predict("spam", List.of(new Gateway.Instance("a", null))))
          .isInstanceOfSatisfying(
              RequestRejectedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.NOT_READY);
                assertThat(e.retryAfterSeconds()).isEqualTo(3L);
              });
    } finally {
      slow.close();
    }
  }

  @Test
  void shadowModeReturnsTheChampionAndRecordsTheChallengersCopy() {
    deploy(1, "1", "2", Mode.SHADOW, 1.0);
    List<Gateway.Answer> answers =
        gateway.predict("spam", List.of(new Gateway.Instance("win big", "k")));
    assertThat(answers.get(0).arm()).isEqualTo(Arm.CHAMPION);
    Poll.until(Duration.ofSeconds(5), () -> recorded.size() == 2);
    Set<String> seen = new HashSet<>();
    for (LoggedPrediction logged : recorded) {
      Prediction p = logged.prediction();
      seen.add(p.arm() + "/" + p.shadow() + "/" + p.modelVersion());
    }
    assertThat(seen).containsExactlyInAnyOrder("CHAMPION/false/1", "CHALLENGER/true/2");
  }

  @Test
  void swapsUnderLoadLoseNoRequestAndCloseOldVersionsOnlyAfterTheirRequests() throws Exception {
    deploy(1, "1", null, Mode.AB, 0);
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Integer>> results = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      results.add(
          clients.submit(
              () -> {
                int answered = 0;
                while (running.get()) {
                  List<Gateway.Answer> a =
                      gateway.predict(
                          "spam", List.of(new Gateway.Instance("win " + client, "c" + client)));
                  assertThat(a.get(0).label()).isEqualTo("spam");
                  answered++;
                }
                return answered;
              }));
    }
    for (int revision = 2; revision <= 6; revision++) {
      Thread.sleep(100);
      deploy(revision, Integer.toString(revision), null, Mode.AB, 0);
    }
    Thread.sleep(100);
    running.set(false);
    int total = 0;
    for (Future<Integer> result : results) {
      total += result.get(30, TimeUnit.SECONDS); // a failed request would throw here
    }
    clients.shutdown();
    assertThat(total).isGreaterThan(50);
    // every version but the last was closed, after its requests (a FakeModel used after close
    // fails)
    Poll.until(
        Duration.ofSeconds(5),
        () -> loaded.stream().filter(m -> m.closed.get()).count() == loaded.size() - 1);
    assertThat(loaded.get(loaded.size() - 1).name).isEqualTo("6");
  }
}
