package dev.tuneloop.ml.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tuneloop.ml.onnx.OnnxExporter;
import dev.tuneloop.ml.onnx.Quantization;
import dev.tuneloop.ml.tokenize.TokenIds;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Forward passes with ONNX Runtime on a model exported by {@link OnnxExporter}: texts sorted by
 * length, cut into chunks of at most {@code batchSize} that carry little padding ({@link
 * #chunkEnds}), each padded to its own longest text; an int8 model runs one text per call, so its
 * answer does not depend on the other texts of the batch. Every tensor and result is closed before
 * the call returns; {@link OrtSession#run} is thread-safe, so is this.
 */
final class OrtForwardPass implements ForwardPass {

  private static final Set<String> PROBABILITIES_ONLY = Set.of(OnnxExporter.PROBABILITIES);
  private static final Set<String> WITH_POOLED =
      Set.of(OnnxExporter.PROBABILITIES, OnnxExporter.POOLED);

  /**
   * What one more ONNX Runtime call costs, in tokens of compute: the padding a text may add to a
   * chunk rather than run on its own (see {@link #chunkEnds}). Measured on MiniLM, one thread: a
   * call costs about 0.5 ms before its first token, and each token about 0.1 ms in int8 (0.2 ms in
   * float32), whatever the batch size; so 2.5-5 tokens, and fewer on larger models.
   */
  static final int CALL_COST_TOKENS = 4;

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final long padId;
  private final int batchSize;
  private final int numLabels;
  private final int hiddenSize;
  private final int maxPositions;
  private boolean closed;

  private OrtForwardPass(
      OrtEnvironment env,
      OrtSession.SessionOptions options,
      OrtSession session,
      long padId,
      int batchSize,
      int numLabels,
      int hiddenSize,
      int maxPositions) {
    this.env = env;
    this.options = options;
    this.session = session;
    this.padId = padId;
    this.batchSize = batchSize;
    this.numLabels = numLabels;
    this.hiddenSize = hiddenSize;
    this.maxPositions = maxPositions;
  }

  /**
   * Creates a session on exported ONNX bytes.
   *
   * @throws IOException if ONNX Runtime rejects the model (the message says why)
   */
  static OrtForwardPass create(
      byte[] onnx,
      OrtOptions settings,
      long padId,
      int batchSize,
      int numLabels,
      int hiddenSize,
      int maxPositions)
      throws IOException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setIntraOpNumThreads(settings.effectiveIntraOpThreads());
      options.setInterOpNumThreads(1);
      options.addConfigEntry(
          "session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
      OrtSession session = env.createSession(onnx, options);
      // int8: DynamicQuantizeMatMul scales a whole input tensor by its largest value, so a text's
      // answer would depend on the texts it shares a call with; one text per call keeps it a
      // function of the text alone (a CPU loses little: a batch costs as much per token)
      int chunkLimit = settings.quantization() == Quantization.INT8 ? 1 : batchSize;
      return new OrtForwardPass(
          env, options, session, padId, chunkLimit, numLabels, hiddenSize, maxPositions);
    } catch (OrtException e) {
      options.close();
      throw new IOException("ONNX Runtime could not load the exported model: " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] probabilities(List<TokenIds> texts) {
    return run(texts, false);
  }

  @Override
  public float[][] probabilitiesAndPooled(List<TokenIds> texts) {
    return run(texts, true);
  }

  private float[][] run(List<TokenIds> texts, boolean withPooled) {
    int width = withPooled ? numLabels + hiddenSize : numLabels;
    float[][] out = new float[texts.size()][];
    Integer[] order =
        IntStream.range(0, texts.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> texts.get(i).length()))
            .toArray(Integer[]::new);
    int[] sortedLengths = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      sortedLengths[i] = texts.get(order[i]).length();
    }
    int start = 0;
    for (int end : chunkEnds(sortedLengths, batchSize, CALL_COST_TOKENS)) {
      List<TokenIds> chunk = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        chunk.add(texts.get(order[i]));
      }
      TokenizedBatch batch = TokenizedBatch.pad(chunk, padId);
      if (batch.length() > maxPositions) {
        throw new IllegalArgumentException(
            "Sequence of "
                + batch.length()
                + " tokens exceeds max_position_embeddings "
                + maxPositions);
      }
      float[] probabilities = new float[batch.size() * numLabels];
      float[] pooled = withPooled ? new float[batch.size() * hiddenSize] : null;
      forward(batch, withPooled, probabilities, pooled);
      for (int row = 0; row < batch.size(); row++) {
        float[] values = new float[width];
        System.arraycopy(probabilities, row * numLabels, values, 0, numLabels);
        if (withPooled) {
          System.arraycopy(pooled, row * hiddenSize, values, numLabels, hiddenSize);
        }
        out[order[start + row]] = values;
      }
      start = end;
    }
    return out;
  }

  /**
   * Where to cut length-sorted texts into chunks: at most {@code maxChunk} texts each, and a chunk
   * of n texts carries at most {@code callCostTokens * (n - 1)} tokens of padding. On a CPU a
   * padded token costs as much as a real one and a batch costs as much per token as a single text,
   * so joining texts only saves the fixed cost of the calls it avoids; padding beyond that is
   * computed for nothing. Texts of equal length share a chunk (up to {@code maxChunk}).
   *
   * @param sortedLengths token counts, ascending
   * @param callCostTokens the fixed cost of one call, in tokens of compute
   * @return exclusive end index of each chunk, ascending; the last is the number of texts
   */
  static List<Integer> chunkEnds(int[] sortedLengths, int maxChunk, int callCostTokens) {
    List<Integer> ends = new ArrayList<>();
    int count = 0;
    long real = 0;
    for (int i = 0; i < sortedLengths.length; i++) {
      int length = sortedLengths[i];
      long padding = (long) length * (count + 1) - (real + length);
      if (count > 0 && (count == maxChunk || padding > (long) callCostTokens * count)) {
        ends.add(i);
        count = 0;
        real = 0;
      }
      count++;
      real += length;
    }
    if (count > 0) {
      ends.add(sortedLengths.length);
    }
    return ends;
  }

  private void forward(
      TokenizedBatch batch, boolean withPooled, float[] probabilities, float[] pooled) {
    long[] shape = {batch.size(), batch.length()};
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
        OnnxTensor types =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape);
        OrtSession.Result result =
            session.run(
                Map.of(
                    OnnxExporter.INPUT_IDS, ids,
                    OnnxExporter.ATTENTION_MASK, mask,
                    OnnxExporter.TOKEN_TYPE_IDS, types),
                withPooled ? WITH_POOLED : PROBABILITIES_ONLY)) {
      copy(result, OnnxExporter.PROBABILITIES, probabilities);
      if (withPooled) {
        copy(result, OnnxExporter.POOLED, pooled);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime forward pass failed: " + e.getMessage(), e);
    }
  }

  private static void copy(OrtSession.Result result, String name, float[] target) {
    OnnxTensor tensor =
        (OnnxTensor)
            result
                .get(name)
                .orElseThrow(() -> new IllegalStateException("no output '" + name + "'"));
    FloatBuffer values = tensor.getFloatBuffer();
    if (values.remaining() != target.length) {
      throw new IllegalStateException(
          "output '" + name + "' has " + values.remaining() + " values, expected " + target.length);
    }
    values.get(target);
  }

  /** Closes the session and its options; later calls do nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    } finally {
      options.close();
    }
  }
}
