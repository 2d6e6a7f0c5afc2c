package dev.tuneloop.serving.config;

import dev.tuneloop.ml.inference.OrtOptions;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.serving.domain.BatchingSettings;
import dev.tuneloop.serving.domain.ClassifierBatchModel;
import dev.tuneloop.serving.domain.DeployedModels;
import dev.tuneloop.serving.domain.FeedbackIntake;
import dev.tuneloop.serving.domain.Gateway;
import dev.tuneloop.serving.domain.PredictionLog;
import dev.tuneloop.serving.domain.TrafficRouter;
import dev.tuneloop.serving.messaging.EventPublisher;
import dev.tuneloop.serving.messaging.KafkaPredictionSink;
import dev.tuneloop.storage.ObjectStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain domain classes to the object store, Kafka and the metrics registry. */
@Singleton
public class ServingBeans {

  /** Model folders in the object store, cached locally. */
  @Produces
  @Singleton
  ModelStore modelStore(ObjectStore store, ServingConfig config) {
    return new ModelStore(store, Path.of(config.modelCacheDirectory()));
  }

  /** The deployed models, following the deployment state. */
  @Produces
  @Singleton
  DeployedModels deployedModels(ModelStore store, ServingConfig config, MeterRegistry registry) {
    DistributionSummary batchSizes =
        DistributionSummary.builder("tuneloop.serving.batch.size")
            .description("texts per forward pass")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    int cores = Runtime.getRuntime().availableProcessors();
    BatchingSettings batching =
        BatchingSettings.forEngine(
            config.engine(),
            config.maxBatchSize(),
            config.maxBatchWait(),
            config.maxQueue(),
            config.forwardWorkers(),
            cores);
    OrtOptions ortOptions =
        new OrtOptions(
            config.ortThreads().orElse(Math.max(1, cores / batching.workers())),
            config.ortAllowSpinning(),
            config.quantization());
    return new DeployedModels(
        (modelName, model) ->
            ClassifierBatchModel.load(
                store, model.artifactUri(), config.forwardChunkSize(), config.engine(), ortOptions),
        batching,
        Pattern.compile(config.modelFilter()),
        batchSizes::record);
  }

  void closeModels(@Disposes DeployedModels models) {
    models.close();
  }

  /** The Kafka producer of predictions. */
  @Produces
  @Singleton
  KafkaPredictionSink predictionSink(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      ServingConfig config) {
    return new KafkaPredictionSink(bootstrapServers, config.predictionLog().linger());
  }

  void closeSink(@Disposes KafkaPredictionSink sink) {
    sink.close();
  }

  /** The asynchronous prediction log, with its counters as metrics. */
  @Produces
  @Singleton
  PredictionLog predictionLog(
      KafkaPredictionSink sink, ServingConfig config, MeterRegistry registry) {
    PredictionLog log =
        new PredictionLog(
            sink, config.predictionLog().capacity(), config.predictionLog().maxBatch());
    Gauge.builder("tuneloop.serving.predictions.dropped", log, PredictionLog::dropped)
        .description("predictions not published because the log's queue was full")
        .register(registry);
    Gauge.builder("tuneloop.serving.predictions.failed", log, PredictionLog::failed)
        .description("predictions Kafka did not accept")
        .register(registry);
    Gauge.builder("tuneloop.serving.predictions.sent", log, PredictionLog::handedOver)
        .description("predictions handed to the Kafka producer")
        .register(registry);
    Gauge.builder("tuneloop.serving.predictions.queued", log, PredictionLog::queued)
        .description("predictions waiting to be sent")
        .register(registry);
    return log;
  }

  void closeLog(@Disposes PredictionLog log) {
    log.close();
  }

  /** Prediction answering. */
  @Produces
  @Singleton
  Gateway gateway(DeployedModels models, PredictionLog log, ServingConfig config) {
    return new Gateway(
        models,
        new TrafficRouter(() -> ThreadLocalRandom.current().nextDouble()),
        log,
        new Gateway.Limits(
            config.maxInstances(),
            config.maxTextChars(),
            config.requestTimeout(),
            config.retryAfter()),
        Clock.systemUTC());
  }

  /** Feedback intake. */
  @Produces
  @Singleton
  FeedbackIntake feedbackIntake(DeployedModels models, EventPublisher publisher) {
    return new FeedbackIntake(models, publisher::publish, Clock.systemUTC());
  }
}
