package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.monitor.domain.MonitorEngine;
import dev.tuneloop.monitor.domain.ReferenceProfile;
import dev.tuneloop.storage.ObjectNotFoundException;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the latest deployment state per model (from the compacted {@code
 * tuneloop.deployment.state}) and installs the reference profile of each deployed version (champion
 * and challenger) into the engine, reading {@code reference_profile.json} from the version's
 * artifact folder. A profile that cannot be read is retried and its reason shown by the REST API.
 */
@ApplicationScoped
public class DeploymentTracker {

  private static final Logger LOG = Logger.getLogger(DeploymentTracker.class);
  private static final String PROFILE = "reference_profile.json";

  private final ObjectStore store;
  private final MonitorEngine engine;
  private final Map<String, DeploymentState> states = new ConcurrentHashMap<>();
  private final Map<String, String> missing = new ConcurrentHashMap<>();
  private final Map<String, String> pendingUris = new ConcurrentHashMap<>();

  DeploymentTracker(ObjectStore store, MonitorEngine engine) {
    this.store = store;
    this.engine = engine;
  }

  /** Takes a state unless an equal or newer revision is known; loads new versions' profiles. */
  public void onState(DeploymentState state) {
    DeploymentState known = states.get(state.modelName());
    if (known != null && known.revision() >= state.revision()) {
      return;
    }
    states.put(state.modelName(), state);
    for (DeploymentState.DeployedModel deployed :
        new DeploymentState.DeployedModel[] {state.champion(), state.challenger()}) {
      if (deployed != null && !engine.hasProfile(state.modelName(), deployed.version())) {
        pendingUris.put(key(state.modelName(), deployed.version()), deployed.artifactUri());
        load(state.modelName(), deployed.version(), deployed.artifactUri());
      }
    }
  }

  /** Retries the profiles that could not be read yet. */
  public void retryMissing() {
    pendingUris.forEach(
        (key, uri) -> {
          String[] parts = key.split("\u0000", 2);
          load(parts[0], parts[1], uri);
        });
  }

  /** The champion version of {@code model}, if it has one. */
  public @Nullable String championVersion(String model) {
    DeploymentState state = states.get(model);
    return state == null || state.champion() == null ? null : state.champion().version();
  }

  /** The latest deployment state of {@code model}. */
  public Optional<DeploymentState> state(String model) {
    return Optional.ofNullable(states.get(model));
  }

  /** Why the profiles of a model's versions could not be read, by version. */
  public Map<String, String> profileErrors(String model) {
    Map<String, String> out = new LinkedHashMap<>();
    missing.forEach(
        (key, reason) -> {
          String[] parts = key.split("\u0000", 2);
          if (parts[0].equals(model)) {
            out.put(parts[1], reason);
          }
        });
    return out;
  }

  private void load(String model, String version, String artifactUri) {
    String key = key(model, version);
    try {
      String[] location = profileLocation(artifactUri);
      ReferenceProfile profile =
          ReferenceProfile.parse(store.getBytes(location[0], location[1], 64 << 20));
      engine.setProfile(model, version, profile);
      missing.remove(key);
      pendingUris.remove(key);
      LOG.infof("reference profile of %s version %s loaded from %s", model, version, artifactUri);
    } catch (ObjectNotFoundException e) {
      fail(
          key, model, version, "no " + PROFILE + " in " + artifactUri + " (" + Instant.now() + ")");
    } catch (ReferenceProfile.InvalidProfileException | IllegalArgumentException e) {
      // a broken profile does not heal: stop retrying, keep the reason
      pendingUris.remove(key);
      fail(key, model, version, PROFILE + " of " + artifactUri + " is unusable: " + e.getMessage());
    } catch (StorageException e) {
      fail(
          key,
          model,
          version,
          "cannot read " + PROFILE + " of " + artifactUri + ": " + e.getMessage());
    }
  }

  private void fail(String key, String model, String version, String reason) {
    if (!reason.equals(missing.put(key, reason))) {
      LOG.warnf("drift tests of %s version %s are off: %s", model, version, reason);
    }
  }

  /** Bucket and key of the profile in an {@code s3://bucket/prefix/} artifact folder. */
  static String[] profileLocation(String artifactUri) {
    if (!artifactUri.startsWith("s3://")) {
      throw new IllegalArgumentException(
          "artifact URI " + artifactUri + " is not an s3:// folder; cannot find its " + PROFILE);
    }
    String rest = artifactUri.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("artifact URI " + artifactUri + " has no object prefix");
    }
    String prefix = rest.substring(slash + 1);
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    return new String[] {rest.substring(0, slash), prefix + PROFILE};
  }

  private static String key(String model, String version) {
    return model + "\u0000" + version;
  }
}
