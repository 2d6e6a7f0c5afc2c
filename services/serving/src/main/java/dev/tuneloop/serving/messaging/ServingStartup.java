package dev.tuneloop.serving.messaging;

import ai.djl.engine.Engine;
import dev.tuneloop.events.TopicProvisioner;
import dev.tuneloop.serving.config.ServingConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * At startup: the topics exist, libtorch's thread count is set, and the PyTorch engine is
 * initialised eagerly (a broken native setup fails the start, not the first request). PyTorch loads
 * every model (LoRA merged) even when ONNX Runtime answers.
 */
@Startup
@Singleton
public class ServingStartup {

  private static final Logger LOG = Logger.getLogger(ServingStartup.class);

  private final ServingConfig config;
  private final String bootstrapServers;

  ServingStartup(
      ServingConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.config = config;
    this.bootstrapServers = bootstrapServers;
  }

  @PostConstruct
  void prepare() {
    TopicProvisioner.ensureTopics(bootstrapServers);
    config
        .torchThreads()
        .ifPresent(
            threads -> {
              if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
              }
            });
    Engine engine = Engine.getEngine("PyTorch");
    LOG.infof(
        "%s %s ready (intra-op threads: %s); forward passes run on %s",
        engine.getEngineName(),
        engine.getVersion(),
        System.getProperty("ai.djl.pytorch.num_threads", "default"),
        config.engine().id());
  }
}
