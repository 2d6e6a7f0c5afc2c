package dev.tuneloop.curation.messaging;

import dev.tuneloop.curation.config.CurationConfig;
import dev.tuneloop.events.TopicProvisioner;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageException;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * At startup: the buckets and topics exist, and the raw bucket notifies Kafka of new objects
 * (idempotent, so every start may do it).
 */
@Startup
@Singleton
public class CurationStartup {

  private static final Logger LOG = Logger.getLogger(CurationStartup.class);

  private final ObjectStore store;
  private final CurationConfig config;
  private final String bootstrapServers;

  CurationStartup(
      ObjectStore store,
      CurationConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.store = store;
    this.config = config;
    this.bootstrapServers = bootstrapServers;
  }

  @PostConstruct
  void prepare() {
    TopicProvisioner.ensureTopics(bootstrapServers);
    store.ensureBuckets();
    if (config.attachBucketNotification()) {
      try {
        if (store.ensureObjectCreatedNotification(Buckets.RAW, config.notificationArn(), "")) {
          LOG.infof("%s now notifies %s of new objects", Buckets.RAW, config.notificationArn());
        }
      } catch (StorageException e) {
        // Uploads through the API still work; only files written straight into the bucket wait.
        LOG.errorf(
            e,
            "cannot attach the bucket notification %s to %s: files written directly into the"
                + " bucket will not be curated. Configure the target on the S3 server, or set"
                + " tuneloop.curation.attach-bucket-notification=false",
            config.notificationArn(),
            Buckets.RAW);
      }
    }
  }
}
