package dev.tuneloop.serving.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.model.Pooling;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import dev.tuneloop.serving.domain.BatchModel;
import dev.tuneloop.serving.domain.ModelOutput;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference engine: ONNX Runtime (Java) on the original all-MiniLM-L6-v2 ONNX file, with the
 * same tokenizer and the same trained head (pooling and linear layer in Java), so both engines
 * compute the same function.
 */
final class OrtBatchModel implements BatchModel {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final TextTokenizer tokenizer;
  private final List<String> labels;
  private final Pooling pooling;
  private final float[] weight; // [labels, hidden]
  private final float[] bias;
  private final int hidden;

  OrtBatchModel(byte[] onnx, Path artifact, TextTokenizer tokenizer, int intraOpThreads)
      throws IOException, OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOpThreads);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    session = env.createSession(onnx, options);
    this.tokenizer = tokenizer;
    labels = ModelArtifact.readLabels(artifact);
    ModelArtifact.HeadFile head = ModelArtifact.readHead(artifact);
    pooling = head.pooling();
    weight = head.weights().get("classifier.weight").toFloatArray();
    bias = head.weights().get("classifier.bias").toFloatArray();
    hidden = weight.length / labels.size();
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public List<ModelOutput> infer(List<String> texts) {
    TokenizedBatch batch = TokenizedBatch.pad(tokenizer.encodeAll(texts), tokenizer.padId());
    long[] shape = {batch.size(), batch.length()};
    float[] states;
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
        OnnxTensor types =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape);
        OrtSession.Result result =
            session.run(
                Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
      OnnxTensor out = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
      states = new float[batch.size() * batch.length() * hidden];
      out.getFloatBuffer().get(states);
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
    List<ModelOutput> outputs = new ArrayList<>(texts.size());
    for (int b = 0; b < batch.size(); b++) {
      float[] pooled = new float[hidden];
      int count = 0;
      for (int t = 0; t < batch.length(); t++) {
        boolean real = batch.attentionMask()[b * batch.length() + t] == 1;
        if ((pooling == Pooling.MEAN && real) || (pooling == Pooling.CLS && t == 0)) {
          int offset = (b * batch.length() + t) * hidden;
          for (int h = 0; h < hidden; h++) {
            pooled[h] += states[offset + h];
          }
          count++;
        }
      }
      float[] p = new float[labels.size()];
      double max = Double.NEGATIVE_INFINITY;
      for (int l = 0; l < labels.size(); l++) {
        double z = bias[l];
        for (int h = 0; h < hidden; h++) {
          z += weight[l * hidden + h] * pooled[h] / Math.max(1, count);
        }
        p[l] = (float) z;
        max = Math.max(max, z);
      }
      double sum = 0;
      for (int l = 0; l < p.length; l++) {
        p[l] = (float) Math.exp(p[l] - max);
        sum += p[l];
      }
      int best = 0;
      for (int l = 0; l < p.length; l++) {
        p[l] /= (float) sum;
        if (p[l] > p[best]) {
          best = l;
        }
      }
      int tokens = 0;
      for (int t = 0; t < batch.length(); t++) {
        tokens += (int) batch.attentionMask()[b * batch.length() + t];
      }
      outputs.add(new ModelOutput(labels.get(best), best, p[best], p, tokens, null));
    }
    return outputs;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
