package dev.tuneloop.events.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReplayRangeTest {

  private static final OptionalLong NONE = OptionalLong.empty();

  private static OptionalLong of(long value) {
    return OptionalLong.of(value);
  }

  @Test
  void firstReplayReadsTheWholeLog() {
    ReplayRange range = ReplayRange.of(0, 0, 5, NONE, NONE, NONE);

    assertThat(range.start()).isZero();
    assertThat(range.stop()).isEqualTo(5);
    assertThat(range.size()).isEqualTo(5);
    assertThat(range.alreadyReplayed(NONE, NONE)).isZero();
    assertThat(range.skipped()).isZero();
    assertThat(range.isReplayed(0)).isFalse();
  }

  @Test
  void aRerunStartsAtTheWatermarkAndFindsNothingNew() {
    ReplayRange range = ReplayRange.of(1, 0, 5, of(5), NONE, NONE);

    assertThat(range.isEmpty()).isTrue();
    assertThat(range.size()).isZero();
    assertThat(range.alreadyReplayed(NONE, NONE)).isEqualTo(5);
    assertThat(range.skipped()).isZero();
    assertThat(range.isReplayed(4)).isTrue();
  }

  @Test
  void newRecordsAfterTheWatermarkAreReplayed() {
    ReplayRange range = ReplayRange.of(0, 0, 8, of(5), NONE, NONE);

    assertThat(range.start()).isEqualTo(5);
    assertThat(range.stop()).isEqualTo(8);
    assertThat(range.isReplayed(5)).isFalse();
  }

  @Test
  void toOffsetIsInclusiveAndCappedAtTheLogEnd() {
    assertThat(ReplayRange.of(0, 0, 10, NONE, NONE, of(3)).stop()).isEqualTo(4);
    assertThat(ReplayRange.of(0, 0, 10, NONE, NONE, of(30)).stop()).isEqualTo(10);
  }

  @Test
  void fromOffsetBelowTheWatermarkDoesNotReplayAgain() {
    ReplayRange range = ReplayRange.of(0, 0, 10, of(6), of(2), NONE);

    assertThat(range.start()).isEqualTo(6);
    assertThat(range.alreadyReplayed(of(2), NONE)).isEqualTo(4);
    assertThat(range.skipped()).isZero();
  }

  @Test
  void fromOffsetAboveTheWatermarkSkipsTheGap() {
    ReplayRange range = ReplayRange.of(0, 0, 10, of(2), of(5), of(6));

    assertThat(range.start()).isEqualTo(5);
    assertThat(range.stop()).isEqualTo(7);
    assertThat(range.skipped()).isEqualTo(3);
    assertThat(range.alreadyReplayed(of(5), of(6))).isZero();
  }

  @Test
  void anEmptyRangeSkipsNothing() {
    ReplayRange range = ReplayRange.of(0, 0, 4, of(1), of(9), NONE);

    assertThat(range.isEmpty()).isTrue();
    assertThat(range.skipped()).isZero();
  }

  @Test
  void recordsDeletedByRetentionAreNotCounted() {
    ReplayRange range = ReplayRange.of(0, 100, 120, NONE, of(3), NONE);

    assertThat(range.start()).isEqualTo(100);
    assertThat(range.watermark()).isEqualTo(100);
    assertThat(range.skipped()).isZero();
    assertThat(range.alreadyReplayed(of(3), NONE)).isZero();
  }
}
