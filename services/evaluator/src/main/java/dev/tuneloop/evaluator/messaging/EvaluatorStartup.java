package dev.tuneloop.evaluator.messaging;

import ai.djl.engine.Engine;
import dev.tuneloop.evaluator.config.EvaluatorConfig;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.events.TopicProvisioner;
import dev.tuneloop.storage.ObjectStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * At startup: every gate policy is valid (else the service does not start), the buckets and topics
 * exist, the deep-learning engine is loaded (so the first evaluation does not pay for it), and
 * requests left unfinished by the last run are queued again.
 */
@Startup
@Singleton
public class EvaluatorStartup {

  private static final Logger LOG = Logger.getLogger(EvaluatorStartup.class);

  private final ObjectStore store;
  private final EvaluationStore evaluations;
  private final EvaluationWorker worker;
  private final EvaluatorConfig config;
  private final String bootstrapServers;

  EvaluatorStartup(
      ObjectStore store,
      EvaluationStore evaluations,
      EvaluationWorker worker,
      EvaluatorConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.store = store;
    this.evaluations = evaluations;
    this.worker = worker;
    this.config = config;
    this.bootstrapServers = bootstrapServers;
  }

  @PostConstruct
  void prepare() {
    config.policyFor("");
    config.policies().keySet().forEach(config::policyFor);
    Pattern.compile(config.modelFilter());
    TopicProvisioner.ensureTopics(bootstrapServers);
    store.ensureBuckets();
    Engine engine = Engine.getInstance();
    LOG.infof("deep-learning engine %s %s ready", engine.getEngineName(), engine.getVersion());
    Thread recovery =
        new Thread(
            () -> {
              try {
                Pattern filter = Pattern.compile(config.modelFilter());
                for (EvaluationStore.Request r : evaluations.unfinished()) {
                  if (filter.matcher(r.event().modelName()).matches()) {
                    LOG.infof(
                        "re-queueing unfinished evaluation of %s job %s",
                        r.event().modelName(), r.event().jobId());
                    worker.submit(r);
                  }
                }
              } catch (RuntimeException e) {
                LOG.errorf(e, "cannot look for evaluations left over from the last run");
              }
            },
            "evaluation-recovery");
    recovery.setDaemon(true);
    recovery.start();
  }
}
