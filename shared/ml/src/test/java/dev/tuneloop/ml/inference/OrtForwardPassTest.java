package dev.tuneloop.ml.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How ONNX Runtime forward passes cut length-sorted texts into chunks. */
class OrtForwardPassTest {

  @Test
  void similarLengthsShareAChunkUpToTheMaximumSize() {
    assertThat(OrtForwardPass.chunkEnds(new int[] {10, 10, 11, 11, 12}, 16, 0.25))
        .containsExactly(5);
    assertThat(OrtForwardPass.chunkEnds(new int[] {10, 10, 10, 10, 10}, 2, 0.25))
        .containsExactly(2, 4, 5);
  }

  @Test
  void aMuchLongerTextStartsANewChunkInsteadOfPaddingTheOthers() {
    // 3 x 5 tokens padded to 100 would be 300 token slots for 115 real ones
    assertThat(OrtForwardPass.chunkEnds(new int[] {5, 5, 5, 100}, 16, 0.25)).containsExactly(3, 4);
    // every chunk carries at most 25% padding
    int[] lengths = {3, 4, 6, 9, 13, 20, 30, 45, 70, 110, 128, 128};
    int start = 0;
    for (int end : OrtForwardPass.chunkEnds(lengths, 32, 0.25)) {
      long real = 0;
      for (int i = start; i < end; i++) {
        real += lengths[i];
      }
      assertThat((long) lengths[end - 1] * (end - start)).isLessThanOrEqualTo((long) (real * 1.25));
      start = end;
    }
    assertThat(start).isEqualTo(lengths.length);
  }

  @Test
  void noTextsNoChunks() {
    assertThat(OrtForwardPass.chunkEnds(new int[0], 8, 0.25)).isEmpty();
  }
}
