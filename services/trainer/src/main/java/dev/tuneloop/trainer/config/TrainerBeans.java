package dev.tuneloop.trainer.config;

import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.TrackingClient;
import dev.tuneloop.trainer.domain.HyperparameterDefaults;
import dev.tuneloop.trainer.domain.HyperparameterPolicy;
import dev.tuneloop.trainer.domain.ReferenceProfiler;
import dev.tuneloop.trainer.domain.ResolvedHyperparameters;
import dev.tuneloop.trainer.domain.RunnerSettings;
import dev.tuneloop.trainer.domain.TrainingJobRunner;
import dev.tuneloop.trainer.messaging.EventPublisher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Wires the plain domain classes to the object store, Kafka and MLflow. */
@Singleton
public class TrainerBeans {

  /** Model folders in the object store, cached under the work directory. */
  @Produces
  @Singleton
  ModelStore modelStore(ObjectStore store, TrainerConfig config) {
    return new ModelStore(store, config.workDirectory().resolve("models"));
  }

  /** Hyperparameter defaults and ranges. */
  @Produces
  @Singleton
  HyperparameterPolicy policy(TrainerConfig config) {
    return new HyperparameterPolicy(defaults(config));
  }

  /** The job runner. */
  @Produces
  @Singleton
  TrainingJobRunner runner(
      ObjectStore store,
      ModelStore models,
      TrackingClient tracking,
      ArtifactClient artifacts,
      ModelRegistryClient registry,
      EventPublisher publisher,
      HyperparameterPolicy policy,
      TrainerConfig config) {
    TrainerConfig.Checkpoints c = config.checkpoints();
    TrainerConfig.Profile p = config.profile();
    RunnerSettings settings =
        new RunnerSettings(
            config.workDirectory().toAbsolutePath(),
            workerId(config),
            config.progressInterval(),
            c.everySteps(),
            c.uploadEverySteps(),
            c.uploadInterval(),
            p.sampleSize(),
            new ReferenceProfiler(p.projections(), p.bins(), p.seed()));
    return new TrainingJobRunner(
        store,
        models,
        tracking,
        artifacts,
        registry,
        publisher,
        policy,
        settings,
        Clock.systemUTC());
  }

  /** This worker's id: configured, or host name and process id. */
  public static String workerId(TrainerConfig config) {
    return config
        .workerId()
        .orElseGet(
            () -> {
              String host;
              try {
                host = InetAddress.getLocalHost().getHostName();
              } catch (UnknownHostException e) {
                host = "trainer";
              }
              return host + "-" + ProcessHandle.current().pid();
            });
  }

  /** The configured defaults. */
  static HyperparameterDefaults defaults(TrainerConfig config) {
    TrainerConfig.Defaults d = config.defaults();
    ResolvedHyperparameters base =
        new ResolvedHyperparameters(
            d.epochs(),
            d.maxSteps(),
            d.batchSize(),
            d.learningRate(),
            d.weightDecay(),
            d.warmupRatio(),
            d.schedule().toLowerCase(Locale.ROOT),
            d.maxGradNorm(),
            d.maxSequenceLength(),
            d.earlyStoppingPatience(),
            d.seed(),
            d.rehearsalFraction(),
            d.loraRank(),
            d.loraAlpha(),
            d.loraDropout(),
            d.loraTargetModules());
    Map<TrainingStrategy, HyperparameterDefaults.StrategyOverride> overrides =
        new EnumMap<>(TrainingStrategy.class);
    config
        .strategies()
        .forEach(
            (name, s) -> {
              TrainingStrategy strategy;
              try {
                strategy = TrainingStrategy.valueOf(name.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "tuneloop.trainer.strategies."
                        + name
                        + ": unknown strategy; use full, head, lora or qlora",
                    e);
              }
              overrides.put(
                  strategy,
                  new HyperparameterDefaults.StrategyOverride(
                      s.learningRate().orElse(null),
                      s.epochs().orElse(null),
                      s.batchSize().orElse(null)));
            });
    return new HyperparameterDefaults(base, overrides);
  }
}
