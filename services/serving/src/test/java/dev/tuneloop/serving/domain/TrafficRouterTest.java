package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState.Mode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficRouterTest {

  private static ModelHandle handle(String version) {
    FakeModel model = new FakeModel(version, 0);
    return new ModelHandle(
        version,
        "s3://b/" + version + "/",
        model,
        new DynamicBatcher<>(version, model::infer, 1, Duration.ZERO, 1, s -> {}));
  }

  private final ModelHandle champion = handle("1");
  private final ModelHandle challenger = handle("2");
  private final TrafficRouter router = new TrafficRouter(new Random(7)::nextDouble);

  private Deployment deployment(Mode mode, double weight) {
    return new Deployment("spam", 3, "c", champion, challenger, mode, weight);
  }

  @Test
  void abSplitFollowsTheWeightWithinStatisticalTolerance() {
    Deployment d = deployment(Mode.AB, 0.3);
    int n = 20_000;
    int challengerKeyed = 0;
    int challengerRandom = 0;
    for (int i = 0; i < n; i++) {
      if (router.route(d, "user-" + i).answer() == Arm.CHALLENGER) {
        challengerKeyed++;
      }
      if (router.route(d, null).answer() == Arm.CHALLENGER) {
        challengerRandom++;
      }
    }
    // binomial sd at n=20000, p=0.3 is ~0.0032: 4 sd is 0.013
    assertThat(challengerKeyed / (double) n).isBetween(0.287, 0.313);
    assertThat(challengerRandom / (double) n).isBetween(0.287, 0.313);
  }

  @Test
  void aKeyAlwaysGetsTheSameArmAndRaisingTheWeightOnlyMovesKeysToTheChallenger() {
    Map<String, Arm> at10 = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      String key = "k" + i;
      Arm arm = router.route(deployment(Mode.AB, 0.1), key).answer();
      for (int repeat = 0; repeat < 5; repeat++) {
        assertThat(router.route(deployment(Mode.AB, 0.1), key).answer()).isEqualTo(arm);
      }
      at10.put(key, arm);
    }
    at10.forEach(
        (key, arm) -> {
          if (arm == Arm.CHALLENGER) {
            assertThat(router.route(deployment(Mode.AB, 0.5), key).answer())
                .isEqualTo(Arm.CHALLENGER);
          }
        });
  }

  @Test
  void shadowModeAlwaysAnswersWithTheChampionAndMirrorsByWeight() {
    Deployment d = deployment(Mode.SHADOW, 0.25);
    int mirrored = 0;
    for (int i = 0; i < 10_000; i++) {
      TrafficRouter.Route route = router.route(d, "u" + i);
      assertThat(route.answer()).isEqualTo(Arm.CHAMPION);
      if (route.mirror()) {
        mirrored++;
      }
    }
    assertThat(mirrored / 10_000.0).isBetween(0.23, 0.27);
  }

  @Test
  void withoutChallengerOrWeightTheChampionAnswersAndWithoutChampionTheChallenger() {
    assertThat(router.route(deployment(Mode.AB, 0.0), "x").answer()).isEqualTo(Arm.CHAMPION);
    Deployment onlyChampion = new Deployment("spam", 1, "c", champion, null, Mode.AB, 0);
    assertThat(router.route(onlyChampion, "x"))
        .isEqualTo(new TrafficRouter.Route(Arm.CHAMPION, false));
    Deployment onlyChallenger = new Deployment("spam", 1, "c", null, challenger, Mode.AB, 1.0);
    assertThat(router.route(onlyChallenger, "x").answer()).isEqualTo(Arm.CHALLENGER);
    assertThat(router.route(deployment(Mode.AB, 1.0), "x").answer()).isEqualTo(Arm.CHALLENGER);
  }

  @Test
  void bucketsAreUniform() {
    int[] histogram = new int[10];
    for (int i = 0; i < 100_000; i++) {
      double b = TrafficRouter.bucket("spam", Integer.toString(i));
      assertThat(b).isGreaterThanOrEqualTo(0).isLessThan(1);
      histogram[(int) (b * 10)]++;
    }
    for (int count : histogram) {
      assertThat(count).isBetween(9_500, 10_500);
    }
  }
}
