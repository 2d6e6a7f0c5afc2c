package dev.tuneloop.ml.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How ONNX Runtime forward passes cut length-sorted texts into chunks. */
class OrtForwardPassTest {

  @Test
  void similarLengthsShareAChunkUpToTheMaximumSize() {
    // padding 2 + 2 + 1 + 1 = 6 tokens, within 4 per extra text
    assertThat(OrtForwardPass.chunkEnds(new int[] {10, 10, 11, 11, 12}, 16, 4)).containsExactly(5);
    assertThat(OrtForwardPass.chunkEnds(new int[] {10, 10, 10, 10, 10}, 2, 4))
        .containsExactly(2, 4, 5);
    // equal lengths share a chunk even when padding is never worth it
    assertThat(OrtForwardPass.chunkEnds(new int[] {7, 7, 7, 8}, 16, 0)).containsExactly(3, 4);
  }

  @Test
  void aMuchLongerTextStartsANewChunkInsteadOfPaddingTheOthers() {
    // 3 x 5 tokens padded to 100 would be 300 token slots for 115 real ones
    assertThat(OrtForwardPass.chunkEnds(new int[] {5, 5, 5, 100}, 16, 4)).containsExactly(3, 4);
    // 40 and 50 tokens: 10 tokens of padding cost more than a second call (4)
    assertThat(OrtForwardPass.chunkEnds(new int[] {40, 50}, 16, 4)).containsExactly(1, 2);
    // every chunk of n texts carries at most 4 (n - 1) tokens of padding, and all texts are covered
    int[] lengths = {3, 4, 6, 7, 9, 13, 14, 15, 20, 30, 45, 70, 110, 126, 128, 128};
    int start = 0;
    for (int end : OrtForwardPass.chunkEnds(lengths, 32, 4)) {
      long real = 0;
      for (int i = start; i < end; i++) {
        real += lengths[i];
      }
      long padding = (long) lengths[end - 1] * (end - start) - real;
      assertThat(padding).isLessThanOrEqualTo(4L * (end - start - 1));
      start = end;
    }
    assertThat(start).isEqualTo(lengths.length);
  }

  @Test
  void noTextsNoChunks() {
    assertThat(OrtForwardPass.chunkEnds(new int[0], 8, 4)).isEmpty();
  }
}
