package dev.tuneloop.trainer.messaging;

import ai.djl.engine.Engine;
import dev.tuneloop.events.TopicProvisioner;
import dev.tuneloop.storage.ObjectStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * At startup: the topics and buckets exist, and the deep-learning engine is loaded (its native
 * libraries are unpacked on first use, which should not count against the first job).
 */
@Startup
@Singleton
public class TrainerStartup {

  private static final Logger LOG = Logger.getLogger(TrainerStartup.class);

  private final ObjectStore store;
  private final String bootstrapServers;

  TrainerStartup(
      ObjectStore store,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.store = store;
    this.bootstrapServers = bootstrapServers;
  }

  @PostConstruct
  void prepare() {
    TopicProvisioner.ensureTopics(bootstrapServers);
    store.ensureBuckets();
    Engine engine = Engine.getInstance();
    LOG.infof(
        "deep-learning engine %s %s on %s",
        engine.getEngineName(), engine.getVersion(), engine.defaultDevice());
  }
}
