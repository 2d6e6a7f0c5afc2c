package dev.tuneloop.registry.config;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.TopicProvisioner;
import dev.tuneloop.registry.domain.OperatorDirectory;
import dev.tuneloop.registry.domain.RolloutEngine;
import dev.tuneloop.registry.messaging.DeploymentStateReader;
import dev.tuneloop.registry.messaging.KafkaStateSink;
import dev.tuneloop.registry.messaging.MlflowVersionRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Builds the plain domain objects from the configuration. */
@Singleton
public class RegistryBeans {

  private static final Logger LOG = Logger.getLogger(RegistryBeans.class);

  /**
   * The rollout engine, restored from the state topic before anything can use it: the topics exist,
   * {@code tuneloop.deployment.state} is read to its end, and each managed model continues where
   * its newest state left it.
   */
  @Produces
  @Singleton
  RolloutEngine engine(
      RegistryConfig config,
      MlflowVersionRegistry registry,
      KafkaStateSink sink,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    Pattern models = Pattern.compile(config.modelPattern());
    RolloutEngine engine =
        new RolloutEngine(
            config.policy(),
            registry,
            sink,
            name -> models.matcher(name).matches(),
            Clock.systemUTC());
    Collection<DeploymentState> states;
    // Kafka loads its plugins (metrics reporters) through the context class loader; make it the one
    // that loaded Kafka, whichever thread creates this bean.
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(org.apache.kafka.clients.admin.Admin.class.getClassLoader());
    try {
      TopicProvisioner.ensureTopics(bootstrapServers);
      states =
          new DeploymentStateReader(bootstrapServers)
              .readAll(engine::handles, Duration.ofSeconds(60));
    } finally {
      thread.setContextClassLoader(before);
    }
    engine.restore(states);
    long active = states.stream().filter(s -> s.phase().rolloutActive()).count();
    LOG.infof(
        "restored the deployment state of %d models, %d with a running rollout",
        states.size(), active);
    return engine;
  }

  /** The operators allowed to command rollouts. */
  @Produces
  @Singleton
  OperatorDirectory operators(RegistryConfig config) {
    OperatorDirectory directory = config.operatorDirectory();
    if (directory.isEmpty()) {
      LOG.warn(
          "no operators configured (tuneloop.registry.operators.<name>.token): rollout commands"
              + " answer 401");
    }
    return directory;
  }
}
