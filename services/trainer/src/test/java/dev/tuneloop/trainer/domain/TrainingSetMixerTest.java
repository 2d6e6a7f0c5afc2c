package dev.tuneloop.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSetMixerTest {

  private static List<String> lines(int earlier, int added) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < earlier; i++) {
      out.add("old-" + i);
    }
    for (int i = 0; i < added; i++) {
      out.add("new-" + i);
    }
    return out;
  }

  @Test
  void aJobFromScratchTrainsOnTheWholeSplit() {
    assertThat(TrainingSetMixer.select(lines(100, 20), 20, false, 0.3, 1)).hasSize(120);
  }

  @Test
  void aWarmStartTrainsOnTheAdditionsPlusTheRehearsalShareOfEarlierRecords() {
    List<String> chosen = TrainingSetMixer.select(lines(100, 20), 20, true, 0.3, 1);
    assertThat(chosen).hasSize(50);
    assertThat(chosen.stream().filter(l -> l.startsWith("new-"))).hasSize(20);
    assertThat(chosen.stream().filter(l -> l.startsWith("old-"))).hasSize(30);
    assertThat(TrainingSetMixer.select(lines(100, 20), 20, true, 0.3, 1)).isEqualTo(chosen);
    assertThat(TrainingSetMixer.select(lines(100, 20), 20, true, 0.3, 2)).isNotEqualTo(chosen);
  }

  @Test
  void noRehearsalKeepsOnlyTheAdditions() {
    assertThat(TrainingSetMixer.select(lines(100, 20), 20, true, 0, 1))
        .allMatch(l -> l.startsWith("new-"))
        .hasSize(20);
  }

  @Test
  void aFirstVersionHasNothingToRehearse() {
    assertThat(TrainingSetMixer.select(lines(0, 20), 20, true, 0.3, 1)).hasSize(20);
  }
}
