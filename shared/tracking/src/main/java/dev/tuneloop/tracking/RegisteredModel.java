package dev.tuneloop.tracking;

import java.util.Map;
import java.util.Optional;

/**
 * A registered model of MLflow's model registry.
 *
 * @param name its name (tuneloop uses the model name of the events)
 * @param description its description, empty if none
 * @param creationTimestamp when it was created, in milliseconds since the epoch
 * @param lastUpdatedTimestamp when it last changed, in milliseconds since the epoch
 * @param tags its tags
 * @param aliases its aliases, each mapped to the version it points to (e.g. {@code champion -> 3})
 */
public record RegisteredModel(
    String name,
    String description,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    Map<String, String> tags,
    Map<String, String> aliases) {

  /** Copies the maps so the record stays immutable. */
  public RegisteredModel {
    tags = Map.copyOf(tags);
    aliases = Map.copyOf(aliases);
  }

  /** The version alias {@code alias} points to, if it is set. */
  public Optional<String> versionOf(String alias) {
    return Optional.ofNullable(aliases.get(alias));
  }
}
