package dev.tuneloop.serving.domain;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.serving.domain.RequestRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Answers predictions: validates the texts, routes each to an arm of the model's current {@link
 * Deployment}, queues it on that version's batcher, waits within the request timeout, and records
 * every answer (and every shadow answer) in the {@link PredictionLog}.
 */
public final class Gateway {

  private static final Logger LOG = Logger.getLogger(Gateway.class);
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * One text to classify.
   *
   * @param text the text
   * @param key the caller's sticky routing key, or null
   */
  public record Instance(String text, @Nullable String key) {}

  /**
   * The answer for one text.
   *
   * @param requestId the id to send feedback for
   * @param label the predicted label
   * @param confidence its probability
   * @param probabilities every label's probability, in the model's label order
   * @param modelVersion the version that answered
   * @param arm its arm
   */
  public record Answer(
      String requestId,
      String label,
      double confidence,
      Map<String, Double> probabilities,
      String modelVersion,
      Arm arm) {}

  /**
   * Request limits.
   *
   * @param maxInstances most texts per request
   * @param maxTextChars longest text, in characters
   * @param timeout longest a request may take
   * @param retryAfter what a 503 tells the caller to wait
   */
  public record Limits(int maxInstances, int maxTextChars, Duration timeout, Duration retryAfter) {}

  private record Routed(ModelHandle handle, Arm arm, CompletableFuture<ModelOutput> output) {}

  private final DeployedModels models;
  private final TrafficRouter router;
  private final PredictionLog log;
  private final Limits limits;
  private final Clock clock;

  /**
   * @param models what is deployed
   * @param router decides the arm
   * @param log where predictions are recorded
   * @param limits request limits
   * @param clock the time of predictions
   */
  public Gateway(
      DeployedModels models, TrafficRouter router, PredictionLog log, Limits limits, Clock clock) {
    this.models = models;
    this.router = router;
    this.log = log;
    this.limits = limits;
    this.clock = clock;
  }

  /** Checks a model name from a URL or body. */
  public static void checkModelName(@Nullable String modelName) {
    if (modelName == null || !MODEL_NAME.matcher(modelName).matches()) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST,
          "model name must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or"
              + " digit, was '"
              + modelName
              + "'");
    }
  }

  /**
   * The deployment that answers for {@code modelName}.
   *
   * @throws RequestRejectedException 404 if the model is unknown, 503 if it is not loaded
   */
  public Deployment deployment(String modelName) {
    checkModelName(modelName);
    return models
        .deployment(modelName)
        .orElseThrow(
            () -> {
              DeployedModels.ModelStatus status = models.status(modelName);
              long retry = Math.max(1, limits.retryAfter().toSeconds());
              return switch (status.status()) {
                case UNKNOWN ->
                    RequestRejectedException.of(
                        Reason.UNKNOWN_MODEL,
                        "no model named '"
                            + modelName
                            + "' is deployed (no deployment state seen for it)");
                case FAILED ->
                    new RequestRejectedException(
                        Reason.NOT_READY,
                        modelName + " is not loaded: " + status.lastError(),
                        retry);
                case NOT_DEPLOYED ->
                    new RequestRejectedException(
                        Reason.NOT_READY,
                        modelName + " has no champion or challenger deployed",
                        retry);
                default ->
                    new RequestRejectedException(
                        Reason.NOT_READY, modelName + " is being loaded; try again shortly", retry);
              };
            });
  }

  /**
   * Classifies the texts, each routed by its own key.
   *
   * @throws RequestRejectedException when the request is invalid, the model is unknown or not
   *     loaded, the queue is full, or the answer is late
   */
  public List<Answer> predict(String modelName, List<Instance> instances) {
    long start = System.nanoTime();
    checkModelName(modelName);
    checkInstances(instances);
    List<Routed> routed = new ArrayList<>(instances.size());
    try {
      for (Instance instance : instances) {
        routed.add(route(modelName, instance));
      }
      return collect(modelName, instances, routed, start);
    } finally {
      // Each handle is released once its forward pass is over, even if the caller gave up.
      for (Routed r : routed) {
        r.output().whenComplete((o, e) -> r.handle().release());
      }
    }
  }

  private void checkInstances(@Nullable List<Instance> instances) {
    if (instances == null || instances.isEmpty()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "no texts to classify");
    }
    if (instances.size() > limits.maxInstances()) {
      throw RequestRejectedException.of(
          Reason.TOO_LARGE,
          instances.size() + " texts in one request; at most " + limits.maxInstances());
    }
    for (int i = 0; i < instances.size(); i++) {
      Instance instance = instances.get(i);
      String text = instance == null ? null : instance.text();
      if (text == null) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "instances[" + i + "]: text is missing");
      }
      if (text.isBlank()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "instances[" + i + "]: text is empty");
      }
      if (text.length() > limits.maxTextChars()) {
        throw RequestRejectedException.of(
            Reason.TOO_LARGE,
            "instances["
                + i
                + "]: text has "
                + text.length()
                + " characters; at most "
                + limits.maxTextChars());
      }
      if (instance.key() != null && instance.key().isBlank()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "instances[" + i + "]: key is blank (leave it out instead)");
      }
    }
  }

  private Routed route(String modelName, Instance instance) {
    // A swap may close a handle between reading the deployment and acquiring it: read again.
    for (int attempt = 0; attempt < 5; attempt++) {
      Deployment deployment = deployment(modelName);
      TrafficRouter.Route route = router.route(deployment, instance.key());
      ModelHandle handle =
          route.answer() == Arm.CHAMPION ? deployment.champion() : deployment.challenger();
      if (handle == null || !handle.tryAcquire()) {
        continue;
      }
      if (route.mirror()) {
        mirror(deployment, instance);
      }
      return new Routed(handle, route.answer(), handle.submit(instance.text()));
    }
    throw new RequestRejectedException(
        Reason.NOT_READY, modelName + " is being swapped; try again", 1L);
  }

  /** Sends a copy to the challenger; its answer is only recorded, never returned. */
  private void mirror(Deployment deployment, Instance instance) {
    ModelHandle challenger = deployment.challenger();
    if (challenger == null || !challenger.tryAcquire()) {
      return;
    }
    long start = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    challenger
        .submit(instance.text())
        .whenComplete(
            (output, error) -> {
              challenger.release();
              if (output != null) {
                log(
                    deployment.modelName(),
                    deployment.correlationId(),
                    requestId,
                    challenger,
                    Arm.CHALLENGER,
                    true,
                    instance,
                    output,
                    start);
              } else {
                LOG.debugf("shadow prediction of %s failed: %s", deployment.modelName(), error);
              }
            });
  }

  private List<Answer> collect(
      String modelName, List<Instance> instances, List<Routed> routed, long start) {
    long deadline = start + limits.timeout().toNanos();
    List<Answer> answers = new ArrayList<>(routed.size());
    Deployment deployment = models.deployment(modelName).orElse(null);
    for (int i = 0; i < routed.size(); i++) {
      Routed r = routed.get(i);
      ModelOutput output;
      try {
        output = r.output().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        routed.forEach(x -> x.output().cancel(false));
        throw RequestRejectedException.of(
            Reason.TIMEOUT,
            "no answer from "
                + modelName
                + " version "
                + r.handle().version()
                + " within "
                + limits.timeout().toMillis()
                + " ms");
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof DynamicBatcher.Overloaded) {
          throw new RequestRejectedException(
              Reason.OVERLOADED, cause.getMessage(), Math.max(1, limits.retryAfter().toSeconds()));
        }
        throw new IllegalStateException(
            modelName + " version " + r.handle().version() + " failed: " + cause.getMessage(),
            cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      String requestId = UUID.randomUUID().toString();
      answers.add(
          new Answer(
              requestId,
              output.label(),
              clampFraction(output.confidence()),
              probabilities(r.handle(), output),
              r.handle().version(),
              r.arm()));
      log(
          modelName,
          deployment == null ? null : deployment.correlationId(),
          requestId,
          r.handle(),
          r.arm(),
          false,
          instances.get(i),
          output,
          start);
    }
    return answers;
  }

  private void log(
      String modelName,
      @Nullable String correlationId,
      String requestId,
      ModelHandle handle,
      Arm arm,
      boolean shadow,
      Instance instance,
      ModelOutput output,
      long start) {
    try {
      Prediction prediction =
          new Prediction(
              requestId,
              modelName,
              handle.version(),
              arm,
              shadow,
              instance.key(),
              output.label(),
              clampFraction(output.confidence()),
              probabilities(handle, output),
              new Prediction.InputProfile(
                  instance.text().length(), output.tokenCount(), output.embeddingProjections()),
              (System.nanoTime() - start) / 1e6,
              clock.instant());
      log.record(new LoggedPrediction(prediction, correlationId));
    } catch (RuntimeException e) {
      // Recording must never fail the answer; an event the contract rejects is a bug to see.
      LOG.errorf(e, "could not record prediction %s of %s", requestId, modelName);
    }
  }

  private static Map<String, Double> probabilities(ModelHandle handle, ModelOutput output) {
    List<String> labels = handle.model().labels();
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (int l = 0; l < labels.size(); l++) {
      probabilities.put(labels.get(l), clampFraction(output.probabilities()[l]));
    }
    return probabilities;
  }

  private static double clampFraction(double value) {
    if (Double.isNaN(value)) {
      return 0;
    }
    return Math.min(1.0, Math.max(0.0, value));
  }
}
