package dev.tuneloop.monitor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.monitor.domain.PolicyState;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectNotFoundException;
import dev.tuneloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Optional;

/**
 * The retraining policy's state per model in the object store: {@code
 * s3://tuneloop-models/<model>/monitor/state.json}. Read fresh before every decision, so replicas
 * and restarts see the latest.
 */
@ApplicationScoped
public class PolicyStateStore {

  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private final ObjectStore store;

  PolicyStateStore(ObjectStore store) {
    this.store = store;
  }

  /** The object key of a model's state. */
  public static String key(String model) {
    return model + "/monitor/state.json";
  }

  /** The stored state of {@code model}, if any. */
  public Optional<PolicyState> load(String model) {
    try {
      byte[] json = store.getBytes(Buckets.MODELS, key(model), 1 << 20);
      return Optional.of(JSON.readValue(json, PolicyState.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException(
          "s3://"
              + Buckets.MODELS
              + "/"
              + key(model)
              + " is not a valid monitor state: "
              + e.getMessage(),
          e);
    }
  }

  /** Stores the state of its model. */
  public void save(PolicyState state) {
    try {
      store.put(Buckets.MODELS, key(state.model()), JSON.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the monitor state of " + state.model(), e);
    }
  }
}
