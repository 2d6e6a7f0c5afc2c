package dev.tuneloop.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tuneloop.ml.lora.LoraAdapters;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.ClassificationHead;
import dev.tuneloop.ml.model.DenseLayer;
import dev.tuneloop.ml.model.Dropouts;
import dev.tuneloop.ml.model.EncoderInput;
import dev.tuneloop.ml.model.GradMode;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.model.ModelParameter;
import dev.tuneloop.ml.model.Scalars;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenIds;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.jboss.logging.Logger;

/**
 * One fine-tuning run, executed on the calling thread (which {@link FineTuner} makes a dedicated
 * platform thread). Not reusable.
 */
final class TrainingSession {

  private static final Logger LOG = Logger.getLogger(TrainingSession.class);

  private final FineTuneSpec spec;
  private final TrainingListener listener;
  private final long startNanos = System.nanoTime();

  // Run state (what a checkpoint saves).
  private int step;
  private int epoch;
  private int updateInEpoch;
  private double bestMetric = Double.NaN;
  private int bestEpoch;
  private int evaluationsWithoutImprovement;
  private double epochLossSum;
  private int epochLossUpdates;
  private double lastEpochLoss = Double.NaN;
  private List<WeightTensor> bestWeights;

  // Wiring.
  private Engine engine;
  private NDManager root;
  private TextTokenizer tokenizer;
  private SequenceClassifier model;
  private List<TrainableParameter> trainables;
  private AdamW optimizer;
  private Examples train;
  private Examples validation;
  private Examples test;
  private NDArray trainFeatures;
  private NDArray validationFeatures;
  private NDArray testFeatures;
  private String fingerprint;
  private double trainSeconds;
  private long trainSamples;

  /** Tokenized texts with label indices. */
  private record Examples(List<TokenIds> tokens, int[] labels) {
    int size() {
      return labels.length;
    }
  }

  TrainingSession(FineTuneSpec spec, TrainingListener listener) {
    this.spec = spec;
    this.listener = listener;
  }

  FineTuneResult run() throws IOException {
    BaseModelFolder base = BaseModelFolder.open(spec.baseModel());
    BertConfig config = base.config();
    if (spec.maxLength() > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "maxLength "
              + spec.maxLength()
              + " exceeds the model's max_position_embeddings "
              + config.maxPositionEmbeddings());
    }
    DatasetSplits data = DatasetSplits.read(spec.dataset(), spec.labels());
    if (spec.earlyStopping().enabled() && data.validation().isEmpty()) {
      throw new IllegalArgumentException(
          "Early stopping needs a validation set, but "
              + spec.dataset()
              + " has no validation.jsonl");
    }
    fingerprint = fingerprint(spec, Files.readString(base.configFile()));
    engine = Engine.getInstance();
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer textTokenizer =
            TextTokenizer.load(base.tokenizerFile(), spec.maxLength(), config.padTokenId())) {
      root = manager;
      tokenizer = textTokenizer;
      train = tokenize(data.train());
      validation = tokenize(data.validation());
      test = tokenize(data.test());
      buildModel(base, config);
      optimizer = new AdamW(trainables, spec.weightDecay(), root);
      try {
        if (spec.strategy() == Strategy.HEAD) {
          precomputeFeatures();
        }
        int resumedFrom = resumeIfPossible();
        boolean stoppedEarly = trainLoop();
        return finish(base, config, resumedFrom, stoppedEarly);
      } finally {
        optimizer.close();
      }
    }
  }

  private Examples tokenize(List<LabelledText> texts) {
    List<String> strings = new ArrayList<>(texts.size());
    int[] labels = new int[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      strings.add(texts.get(i).text());
      labels[i] = spec.labels().indexOf(texts.get(i).label());
    }
    return new Examples(tokenizer.encodeAll(strings), labels);
  }

  private void buildModel(BaseModelFolder base, BertConfig config) throws IOException {
    BertEncoder encoder = base.loadEncoder(config, root);
    ClassificationHead head =
        new ClassificationHead(
            config.hiddenSize(), spec.labels().size(), config.effectiveClassifierDropout());
    head.initializeRandom(root, config.initializerRange(), spec.seed());
    if (spec.strategy() == Strategy.LORA) {
      LoraAdapters.attach(encoder, spec.lora(), root, spec.seed() + 1);
    }
    model = new SequenceClassifier(encoder, spec.pooling(), head);
    trainables = new ArrayList<>();
    if (spec.strategy() == Strategy.FULL) {
      encoder.namedParameters().forEach((name, p) -> trainables.add(trainable(name, p)));
    }
    if (spec.strategy() == Strategy.LORA) {
      for (Map.Entry<String, DenseLayer> entry : encoder.denseLayers().entrySet()) {
        DenseLayer layer = entry.getValue();
        if (layer.hasLora()) {
          trainables.add(
              new TrainableParameter(entry.getKey() + ".lora_A.weight", layer.loraA(), true));
          trainables.add(
              new TrainableParameter(entry.getKey() + ".lora_B.weight", layer.loraB(), true));
        }
      }
    }
    head.namedParameters().forEach((name, p) -> trainables.add(trainable(name, p)));
    for (TrainableParameter t : trainables) {
      t.parameter().getArray().setRequiresGradient(true);
    }
  }

  private static TrainableParameter trainable(String name, ModelParameter parameter) {
    return new TrainableParameter(name, parameter.parameter(), TrainableParameter.decays(name));
  }

  /** Head strategy: the frozen encoder's text vectors, computed once and reused every epoch. */
  private void precomputeFeatures() {
    long padId = tokenizer.padId();
    int hidden = model.encoder().config().hiddenSize();
    trainFeatures =
        asArray(model.pooledVectors(train.tokens(), padId, spec.evalBatchSize(), root), hidden);
    validationFeatures =
        asArray(
            model.pooledVectors(validation.tokens(), padId, spec.evalBatchSize(), root), hidden);
    testFeatures =
        asArray(model.pooledVectors(test.tokens(), padId, spec.evalBatchSize(), root), hidden);
    LOG.infof(
        "Pre-computed %d pooled vectors for head training",
        train.size() + validation.size() + test.size());
  }

  private NDArray asArray(float[][] rows, int width) {
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return root.create(flat, new Shape(rows.length, width));
  }

  private int updatesPerEpoch() {
    int microBatches = (train.size() + spec.batchSize() - 1) / spec.batchSize();
    return (microBatches + spec.gradientAccumulation() - 1) / spec.gradientAccumulation();
  }

  private int totalSteps() {
    int planned = spec.epochs() * updatesPerEpoch();
    return spec.maxSteps() > 0 ? Math.min(spec.maxSteps(), planned) : planned;
  }

  private int resumeIfPossible() throws IOException {
    if (!spec.checkpointing()) {
      return 0;
    }
    Optional<Checkpoint.Loaded> found = Checkpoint.latest(spec.checkpointDir());
    if (found.isEmpty()) {
      return 0;
    }
    Checkpoint.Loaded loaded = found.get();
    Checkpoint.State state = loaded.state();
    if (!fingerprint.equals(state.specFingerprint())) {
      throw new IllegalStateException(
          "Checkpoint "
              + loaded.directory()
              + " was written by a run with other settings or another base model; delete "
              + spec.checkpointDir()
              + " to start over or use another checkpoint folder");
    }
    try (NDManager scratch = root.newSubManager()) {
      for (TrainableParameter t : trainables) {
        WeightTensor tensor = loaded.trainable().get(t.name());
        if (tensor == null) {
          throw new IllegalStateException(
              "Checkpoint " + loaded.directory() + " lacks " + t.name());
        }
        BertEncoder.copyInto(t.parameter().getArray(), tensor.toNDArray(scratch, DataType.FLOAT32));
      }
      optimizer.restoreState(loaded.optimizer(), state.optimizerUpdates(), scratch);
    }
    step = state.step();
    epoch = state.epoch();
    updateInEpoch = state.updateInEpoch();
    bestMetric = state.bestMetric();
    bestEpoch = state.bestEpoch();
    evaluationsWithoutImprovement = state.evaluationsWithoutImprovement();
    epochLossSum = state.epochLossSum();
    epochLossUpdates = state.epochLossUpdates();
    lastEpochLoss = state.lastEpochLoss();
    bestWeights = loaded.best() == null ? null : List.copyOf(loaded.best().values());
    LOG.infof("Resumed from %s (step %d, epoch %d)", loaded.directory(), step, epoch + 1);
    return step;
  }

  /** Runs updates until the epochs, maxSteps or patience are used up; true if stopped early. */
  private boolean trainLoop() throws IOException {
    int perEpoch = updatesPerEpoch();
    int total = totalSteps();
    LearningRateSchedule schedule =
        LearningRateSchedule.of(spec.learningRate(), spec.warmupRatio(), total, spec.schedule());
    int microPerEpoch = (train.size() + spec.batchSize() - 1) / spec.batchSize();
    long lastReport = System.nanoTime();
    int samplesSinceReport = 0;
    while (epoch < spec.epochs() && step < total) {
      int[] order = permutation(train.size(), spec.seed(), epoch);
      while (updateInEpoch < perEpoch) {
        if (listener.cancelRequested()) {
          if (spec.checkpointing()) {
            writeCheckpoint();
          }
          throw new TrainingCancelledException(step);
        }
        int firstMicro = updateInEpoch * spec.gradientAccumulation();
        int endMicro = Math.min(microPerEpoch, firstMicro + spec.gradientAccumulation());
        int groupStart = firstMicro * spec.batchSize();
        int groupEnd = Math.min(train.size(), endMicro * spec.batchSize());
        int groupSamples = groupEnd - groupStart;
        double rate = schedule.rate(step);
        long updateStart = System.nanoTime();
        double loss = 0;
        double gradientNorm;
        try (NDScope scope = new NDScope()) {
          for (int micro = firstMicro; micro < endMicro; micro++) {
            int from = micro * spec.batchSize();
            int to = Math.min(train.size(), from + spec.batchSize());
            engine.setRandomSeed(dropoutSeed(spec.seed(), (long) epoch * microPerEpoch + micro));
            if (checkpointedForward()) {
              // the memory-saving mode: one-byte dropout masks too (see Dropouts.leanMemory)
              Dropouts.leanMemory(true);
              try {
                loss +=
                    checkpointedMicroStep(
                        order,
                        from,
                        to,
                        groupSamples,
                        dropoutSeed(spec.seed(), (long) epoch * microPerEpoch + micro));
              } finally {
                Dropouts.leanMemory(false);
              }
              continue;
            }
            try (GradientCollector collector = engine.newGradientCollector()) {
              NDArray logits = forwardTrain(order, from, to);
              NDArray batchLoss =
                  crossEntropySum(logits, order, from, to)
                      .mul(Scalars.of(1f / groupSamples, logits));
              collector.backward(batchLoss);
              loss += batchLoss.getFloat();
            }
          }
          gradientNorm = clipAndUpdate(rate);
        }
        double seconds = (System.nanoTime() - updateStart) / 1e9;
        trainSeconds += seconds;
        trainSamples += groupSamples;
        samplesSinceReport += groupSamples;
        step++;
        updateInEpoch++;
        epochLossSum += loss;
        epochLossUpdates++;
        long now = System.nanoTime();
        double throughput = samplesSinceReport / Math.max(1e-9, (now - lastReport) / 1e9);
        listener.onProgress(
            new TrainingProgress(
                step,
                total,
                epoch + (double) updateInEpoch / perEpoch,
                loss,
                rate,
                gradientNorm,
                throughput));
        lastReport = now;
        samplesSinceReport = 0;

        boolean epochEnded = updateInEpoch == perEpoch;
        boolean stop = epochEnded && endOfEpoch();
        if (spec.checkpointing() && (step % spec.checkpointEvery() == 0 || stop)) {
          writeCheckpoint();
        }
        if (stop) {
          return true;
        }
        if (step >= total) {
          return false;
        }
        if (epochEnded) {
          break; // the next epoch draws its own data order
        }
      }
    }
    return false;
  }

  private boolean checkpointedForward() {
    return spec.gradientCheckpointing() && spec.strategy() != Strategy.HEAD;
  }

  /**
   * One micro-batch with gradient checkpointing: the forward pass runs without autograd and keeps
   * only the input of every stage (embeddings, each layer, pooling + head); backward then walks the
   * stages from the last to the first, re-running each one with autograd and back-propagating the
   * gradient of its output, so only one stage's activations are alive at a time. Each stage's
   * dropout masks come from its own engine seed, set identically in both passes, so the recomputed
   * stage is the one the loss saw.
   *
   * @return this micro-batch's share of the update's mean loss
   */
  private double checkpointedMicroStep(
      int[] order, int from, int to, int groupSamples, int passSeed) {
    List<TokenIds> batch = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      batch.add(train.tokens().get(order[i]));
    }
    BertEncoder encoder = model.encoder();
    int layers = encoder.numLayers();
    boolean embeddingsTrainable =
        trainables.stream().anyMatch(t -> t.name().startsWith("embeddings."));
    EncoderInput input = TokenizedBatch.pad(batch, tokenizer.padId()).toInput(root);
    NDArray maskBias = BertEncoder.attentionBias(input.attentionMask());
    // stageInputs[k] is the input of layer k; stageInputs[layers] the input of pooling + head
    NDArray[] stageInputs = new NDArray[layers + 1];
    try (GradMode noGrad = GradMode.disabled()) {
      engine.setRandomSeed(stageSeed(passSeed, 0));
      stageInputs[0] = encoder.embed(input, true);
      for (int k = 0; k < layers; k++) {
        engine.setRandomSeed(stageSeed(passSeed, k + 1));
        stageInputs[k + 1] = encoder.applyLayer(k, stageInputs[k], maskBias, true);
      }
    }
    float loss;
    try (GradientCollector collector = engine.newGradientCollector()) {
      NDArray last = stageInputs[layers];
      last.setRequiresGradient(true);
      engine.setRandomSeed(stageSeed(passSeed, layers + 1));
      NDArray logits = model.head().apply(model.pooling().apply(last, input.attentionMask()), true);
      NDArray batchLoss =
          crossEntropySum(logits, order, from, to).mul(Scalars.of(1f / groupSamples, logits));
      collector.backward(batchLoss);
      loss = batchLoss.getFloat();
      NDArray upstream = last.getGradient();
      for (int k = layers - 1; k >= 0; k--) {
        NDArray layerInput = stageInputs[k];
        boolean needInputGradient = k > 0 || embeddingsTrainable;
        if (needInputGradient) {
          layerInput.setRequiresGradient(true);
        }
        engine.setRandomSeed(stageSeed(passSeed, k + 1));
        NDArray output = encoder.applyLayer(k, layerInput, maskBias, true);
        collector.backward(output.mul(upstream).sum());
        output.close();
        upstream.close();
        upstream = needInputGradient ? layerInput.getGradient() : null;
        stageInputs[k + 1].close();
      }
      if (embeddingsTrainable) {
        engine.setRandomSeed(stageSeed(passSeed, 0));
        NDArray embedded = encoder.embed(input, true);
        collector.backward(embedded.mul(upstream).sum());
        embedded.close();
      }
      if (upstream != null) {
        upstream.close();
      }
      stageInputs[0].close();
    }
    return loss;
  }

  /** The engine seed of one stage of a checkpointed forward pass. */
  static int stageSeed(int passSeed, int stage) {
    return (int) (mix(passSeed, stage) & 0x7FFFFFFF);
  }

  private NDArray forwardTrain(int[] order, int from, int to) {
    if (spec.strategy() == Strategy.HEAD) {
      long[] rows = new long[to - from];
      for (int i = from; i < to; i++) {
        rows[i - from] = order[i];
      }
      NDArray features = trainFeatures.get(trainFeatures.getManager().create(rows));
      return model.head().apply(features, true);
    }
    List<TokenIds> batch = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      batch.add(train.tokens().get(order[i]));
    }
    return model.logits(TokenizedBatch.pad(batch, tokenizer.padId()).toInput(root), true);
  }

  /** Sum over the batch of -log p(true label). */
  private NDArray crossEntropySum(NDArray logits, int[] order, int from, int to) {
    int[] labels = new int[to - from];
    for (int i = from; i < to; i++) {
      labels[i - from] = train.labels()[order[i]];
    }
    NDArray oneHot = logits.getManager().create(labels).oneHot(spec.labels().size());
    return logits.logSoftmax(1).mul(oneHot).sum().neg();
  }

  /**
   * Global-norm clipping over all trainable gradients (as {@code torch.nn.utils.clip_grad_norm_})
   * and the AdamW update, fused (see {@link AdamW#step(double, double)}).
   *
   * @return the norm before clipping
   * @throws IllegalStateException if the norm is NaN or infinite (diverged training); nothing is
   *     updated then
   */
  private double clipAndUpdate(double rate) {
    double norm = optimizer.step(rate, spec.maxGradNorm());
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException(
          "Gradient norm is "
              + norm
              + " at step "
              + (step + 1)
              + ": training diverged; lower the learning rate");
    }
    return norm;
  }

  /** Evaluates on validation at the end of an epoch; returns true if early stopping triggers. */
  private boolean endOfEpoch() {
    lastEpochLoss = epochLossSum / Math.max(1, epochLossUpdates);
    epochLossSum = 0;
    epochLossUpdates = 0;
    epoch++;
    updateInEpoch = 0;
    if (validation.size() == 0) {
      return false;
    }
    ClassificationMetrics metrics = evaluate(validation, validationFeatures);
    LOG.debugf(
        "Epoch %d: train loss %.4f, validation accuracy %.4f, macro-F1 %.4f",
        epoch, lastEpochLoss, metrics.accuracy(), metrics.macroF1());
    listener.onEvaluation(epoch, step, metrics);
    EarlyStopping stopping = spec.earlyStopping();
    if (!stopping.enabled()) {
      return false;
    }
    double value = metrics.get(stopping.metric());
    if (stopping.improves(value, bestMetric)) {
      bestMetric = value;
      bestEpoch = epoch;
      evaluationsWithoutImprovement = 0;
      bestWeights = exportTrainable();
      return false;
    }
    evaluationsWithoutImprovement++;
    if (evaluationsWithoutImprovement >= stopping.patience()) {
      LOG.infof(
          "Early stopping after epoch %d: %s has not improved on %.4f (epoch %d) for %d evaluations",
          epoch, stopping.metric(), bestMetric, bestEpoch, evaluationsWithoutImprovement);
      return true;
    }
    return false;
  }

  private ClassificationMetrics evaluate(Examples examples, NDArray features) {
    float[][] probabilities;
    if (spec.strategy() == Strategy.HEAD) {
      // Every array made here hangs off the features' (long-lived) manager: close them by scope.
      try (NDScope scope = new NDScope();
          GradMode noGrad = GradMode.disabled()) {
        float[] flat = model.head().apply(features, false).softmax(-1).toFloatArray();
        int k = spec.labels().size();
        probabilities = new float[examples.size()][k];
        for (int i = 0; i < examples.size(); i++) {
          System.arraycopy(flat, i * k, probabilities[i], 0, k);
        }
      }
    } else {
      probabilities =
          model.probabilities(examples.tokens(), tokenizer.padId(), spec.evalBatchSize(), root);
    }
    return ClassificationMetrics.compute(spec.labels(), examples.labels(), probabilities);
  }

  private List<WeightTensor> exportTrainable() {
    List<WeightTensor> out = new ArrayList<>(trainables.size());
    for (TrainableParameter t : trainables) {
      out.add(WeightTensor.fromNDArray(t.name(), t.parameter().getArray()));
    }
    return out;
  }

  private void writeCheckpoint() throws IOException {
    Checkpoint.State state =
        new Checkpoint.State(
            step,
            epoch,
            updateInEpoch,
            optimizer.updates(),
            bestMetric,
            bestEpoch,
            evaluationsWithoutImprovement,
            epochLossSum,
            epochLossUpdates,
            lastEpochLoss,
            spec.seed(),
            fingerprint);
    Path written =
        Checkpoint.write(
            spec.checkpointDir(), state, exportTrainable(), optimizer.exportState(), bestWeights);
    LOG.debugf("Checkpoint written: %s", written);
    listener.onCheckpoint(step, written);
  }

  private FineTuneResult finish(
      BaseModelFolder base, BertConfig config, int resumedFrom, boolean stoppedEarly)
      throws IOException {
    if (spec.earlyStopping().enabled() && bestWeights != null) {
      try (NDManager scratch = root.newSubManager()) {
        for (WeightTensor tensor : bestWeights) {
          TrainableParameter t =
              trainables.stream()
                  .filter(p -> p.name().equals(tensor.name()))
                  .findFirst()
                  .orElseThrow();
          BertEncoder.copyInto(
              t.parameter().getArray(), tensor.toNDArray(scratch, DataType.FLOAT32));
        }
      }
    } else {
      bestEpoch = validation.size() == 0 ? 0 : epoch;
    }
    ClassificationMetrics validationMetrics =
        validation.size() == 0 ? null : evaluate(validation, validationFeatures);
    ClassificationMetrics testMetrics = test.size() == 0 ? null : evaluate(test, testFeatures);
    List<String> files = writeArtifact(base, config);
    long trainable = 0;
    for (TrainableParameter t : trainables) {
      trainable += t.parameter().getArray().getShape().size();
    }
    long total = model.encoder().parameterCount();
    for (ModelParameter p : model.head().namedParameters().values()) {
      total += p.shape().size();
    }
    for (DenseLayer layer : model.encoder().denseLayers().values()) {
      if (layer.hasLora()) {
        total +=
            layer.loraA().getArray().getShape().size() + layer.loraB().getArray().getShape().size();
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
    double samplesPerSecond = trainSeconds > 0 ? trainSamples / trainSeconds : 0;
    LOG.infof(
        "Fine-tuning (%s) done: %d steps, %d/%d parameters trained (%.2f%%), %.1f samples/s, %s",
        spec.strategy().id(),
        step,
        trainable,
        total,
        100.0 * trainable / total,
        samplesPerSecond,
        wall);
    return new FineTuneResult(
        spec.strategy(),
        spec.output(),
        files,
        step,
        (double) step / updatesPerEpoch(),
        stoppedEarly,
        bestEpoch,
        Double.isNaN(lastEpochLoss) ? epochLossSum / Math.max(1, epochLossUpdates) : lastEpochLoss,
        validationMetrics,
        testMetrics,
        trainable,
        total,
        resumedFrom,
        wall,
        samplesPerSecond);
  }

  private List<String> writeArtifact(BaseModelFolder base, BertConfig config) throws IOException {
    Path out = spec.output();
    Files.createDirectories(out);
    List<String> files = new ArrayList<>();
    copyAtomically(base.configFile(), out.resolve(BertConfig.FILE_NAME));
    files.add(BertConfig.FILE_NAME);
    copyAtomically(base.tokenizerFile(), out.resolve(BaseModelFolder.TOKENIZER_FILE));
    files.add(BaseModelFolder.TOKENIZER_FILE);
    ModelArtifact.writeLabels(out, spec.labels());
    files.add(ModelArtifact.LABELS_FILE);
    ModelArtifact.writeHead(out, model.head(), spec.pooling(), spec.maxLength());
    files.add(ModelArtifact.HEAD_FILE);
    // Files of another strategy from an earlier run into the same folder would be misread.
    Files.deleteIfExists(out.resolve(BaseModelFolder.WEIGHTS_FILE));
    Files.deleteIfExists(out.resolve(LoraAdapters.WEIGHTS_FILE));
    Files.deleteIfExists(out.resolve(LoraAdapters.CONFIG_FILE));
    switch (spec.strategy()) {
      case FULL -> {
        Safetensors.write(
            out.resolve(BaseModelFolder.WEIGHTS_FILE),
            model.encoder().exportWeights(),
            Map.of("format", "pt"));
        files.add(BaseModelFolder.WEIGHTS_FILE);
      }
      case LORA -> {
        LoraAdapters.save(out, model.encoder(), spec.lora(), spec.baseModelName());
        files.add(LoraAdapters.CONFIG_FILE);
        files.add(LoraAdapters.WEIGHTS_FILE);
      }
      case HEAD -> {
        // The encoder is the base model's, unchanged.
      }
    }
    return files;
  }

  private static void copyAtomically(Path source, Path target) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The data order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
  static int[] permutation(int size, long seed, int epoch) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Random random = new Random(mix(seed, epoch));
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** The engine seed for the dropout masks of one forward pass. */
  static int dropoutSeed(long seed, long forwardPass) {
    return (int) (mix(seed ^ 0x5DEECE66DL, forwardPass) & 0x7FFFFFFF);
  }

  private static long mix(long seed, long counter) {
    // SplitMix64 finaliser: decorrelates consecutive counters.
    long z = seed + (counter + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Identifies the settings a checkpoint belongs to; resuming with other settings is refused. */
  static String fingerprint(FineTuneSpec spec, String configJson) {
    String canonical =
        String.join(
            "\n",
            spec.baseModel().toAbsolutePath().normalize().toString(),
            spec.dataset().toAbsolutePath().normalize().toString(),
            String.join(",", spec.labels()),
            spec.strategy().id(),
            Double.toString(spec.learningRate()),
            Integer.toString(spec.epochs()),
            Integer.toString(spec.maxSteps()),
            Integer.toString(spec.batchSize()),
            Integer.toString(spec.gradientAccumulation()),
            Double.toString(spec.warmupRatio()),
            spec.schedule().name(),
            Double.toString(spec.weightDecay()),
            Double.toString(spec.maxGradNorm()),
            Integer.toString(spec.maxLength()),
            Long.toString(spec.seed()),
            spec.earlyStopping().toString(),
            spec.lora().toString(),
            spec.pooling().name(),
            Integer.toString(spec.evalBatchSize()),
            Boolean.toString(spec.gradientCheckpointing()),
            configJson);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
