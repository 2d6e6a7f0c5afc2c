package dev.tuneloop.storage.quarkus;

import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.RetryPolicy;
import dev.tuneloop.storage.StorageSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Makes the {@link ObjectStore} an application-scoped bean, configured by {@link StorageConfig}.
 */
@ApplicationScoped
public class ObjectStoreProducer {

  private static final Logger LOG = Logger.getLogger(ObjectStoreProducer.class);

  /**
   * The store, created on first use; missing buckets are created then if {@code
   * tuneloop.storage.create-buckets} is on. If the store is unreachable the first use fails (after
   * the configured retries) and the next use tries again.
   */
  @Produces
  @ApplicationScoped
  public ObjectStore objectStore(StorageConfig config) {
    StorageSettings settings = toSettings(config);
    ObjectStore store = ObjectStore.connect(settings);
    if (config.createBuckets()) {
      try {
        List<String> created = store.ensureBuckets(config.buckets());
        if (!created.isEmpty()) {
          LOG.infof("Created buckets %s at %s", created, settings.endpoint());
        }
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    }
    return store;
  }

  void close(@Disposes ObjectStore store) {
    store.close();
  }

  /**
   * Validated settings from the configuration.
   *
   * @throws IllegalStateException if the keys are not configured
   * @throws IllegalArgumentException if a value is invalid
   */
  public static StorageSettings toSettings(StorageConfig config) {
    String accessKey =
        config
            .accessKey()
            .orElseThrow(
                () -> missing("tuneloop.storage.access-key", "TUNELOOP_STORAGE_ACCESS_KEY"));
    String secretKey =
        config
            .secretKey()
            .orElseThrow(
                () -> missing("tuneloop.storage.secret-key", "TUNELOOP_STORAGE_SECRET_KEY"));
    StorageConfig.Retry retry = config.retry();
    StorageSettings.Builder builder =
        StorageSettings.builder(config.endpoint(), accessKey, secretKey)
            .region(config.region())
            .partSize(config.partSize().asLongValue())
            .connectTimeout(config.connectTimeout())
            .ioTimeout(config.ioTimeout())
            .retryPolicy(
                new RetryPolicy(
                    retry.maxAttempts(),
                    retry.initialBackoff(),
                    retry.maxBackoff(),
                    retry.multiplier(),
                    retry.jitter()));
    config.spoolDirectory().ifPresent(builder::spoolDirectory);
    return builder.build();
  }

  private static IllegalStateException missing(String property, String environmentVariable) {
    return new IllegalStateException(
        property
            + " is not set (environment variable "
            + environmentVariable
            + "); for the local stack, source $TUNELOOP_LOCAL_DIR/stack.env or run"
            + " 'deploy/local/tuneloop env'");
  }
}
