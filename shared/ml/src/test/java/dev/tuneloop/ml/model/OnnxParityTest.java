package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.tuneloop.ml.MiniLmFixture;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our DJL encoder on the imported MiniLM weights against ONNX Runtime on the original ONNX file:
 * the last hidden state must agree to 1e-4 at every real token.
 */
class OnnxParityTest {

  private static final List<String> SENTENCES =
      List.of(
          "Hello world",
          "The quick brown fox jumps over the lazy dog.",
          "Congratulations! You have WON a $1,000,000 prize. Click http://win.example.com NOW!!!",
          "Meeting moved to 3pm tomorrow; please bring the Q3 numbers.",
          "a",
          "?",
          "Ünïcödé tëxt wïth äccents, 日本語のテキスト, and emoji 🎉🚀",
          "Re: [SpamAssassin] rule update 2.43 breaks on multipart/alternative messages",
          "I can't believe it's not butter",
          "   leading and trailing spaces   ",
          "Numbers 3.14159 2.71828 1e-12 0xDEADBEEF 42",
          "URGENT: your account has been suspended, verify your password at once",
          "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt"
              + " ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation"
              + " ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in"
              + " reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.",
          "The mitochondria is the powerhouse of the cell",
          "Subject: cheap meds no prescription needed buy viagra cialis online pharmacy",
          "def train(model, data): return model.fit(data)",
          "Tabs\tand\nnewlines\r\nin text",
          "To be, or not to be, that is the question",
          "E-mail me at john.doe@example.org or call +1 (555) 010-9999",
          "UPPER CASE SHOUTING SENTENCE",
          "Short.",
          "The committee will reconvene after the recess to consider the amendments proposed by the"
              + " subcommittee on appropriations, which were circulated last week to all members and"
              + " have since been revised twice following public comment. ".repeat(4),
          "🙂",
          "Résumé naïve café coöperate");

  @Test
  void encoderMatchesOnnxRuntimeWithinOneInTenThousand() throws Exception {
    BaseModelFolder folder = MiniLmFixture.baseModel();
    BertConfig config = folder.config();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float maxDiff = 0;
    int comparedBatches = 0;
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer =
            TextTokenizer.load(folder.tokenizerFile(), 256, config.padTokenId());
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      BertEncoder encoder = folder.loadEncoder(config, manager);
      try (OrtSession session = env.createSession(MiniLmFixture.onnxBytes(), options)) {
        // Batches of different sizes so padding to the longest text is exercised.
        for (List<String> batch :
            List.of(SENTENCES.subList(0, 8), SENTENCES.subList(8, 20), SENTENCES.subList(20, 24))) {
          TokenizedBatch tokens = tokenizer.encodeBatch(batch);
          float[] ours;
          try (NDManager step = manager.newSubManager();
              GradMode noGrad = GradMode.disabled()) {
            NDArray hidden = encoder.apply(tokens.toInput(step), false);
            ours = hidden.toFloatArray();
          }
          float[] reference = runOnnx(env, session, tokens);
          assertThat(ours).hasSameSizeAs(reference);
          int hidden = config.hiddenSize();
          for (int i = 0; i < ours.length; i++) {
            // Only real tokens: rows at padding positions are never read (pooling masks them) and
            // drift through six layers of attention over nothing but padding in both runtimes.
            if (tokens.attentionMask()[i / hidden] == 1) {
              maxDiff = Math.max(maxDiff, Math.abs(ours[i] - reference[i]));
            }
          }
          comparedBatches++;
        }
      }
    }
    System.out.printf(
        "Parity with ONNX Runtime on %d sentences: max abs diff %.3g%n", SENTENCES.size(), maxDiff);
    assertThat(comparedBatches).isEqualTo(3);
    assertThat(maxDiff).isLessThanOrEqualTo(1e-4f);
  }

  private static float[] runOnnx(OrtEnvironment env, OrtSession session, TokenizedBatch tokens)
      throws Exception {
    long[] shape = {tokens.size(), tokens.length()};
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.inputIds()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.attentionMask()), shape);
        OnnxTensor types =
            OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.tokenTypeIds()), shape);
        OrtSession.Result result =
            session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
      OnnxTensor hidden = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
      float[] out =
          new float
              [(int)
                  (hidden.getInfo().getShape()[0]
                      * hidden.getInfo().getShape()[1]
                      * hidden.getInfo().getShape()[2])];
      hidden.getFloatBuffer().get(out);
      return out;
    }
  }
}
