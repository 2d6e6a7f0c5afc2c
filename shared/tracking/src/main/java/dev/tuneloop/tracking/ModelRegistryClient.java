package dev.tuneloop.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * MLflow's model registry over REST (the Java client cannot create models or versions, nor manage
 * aliases): registered models, model versions and aliases such as {@code champion} and {@code
 * challenger}.
 *
 * <p>Transient failures are retried; MLflow's refusals surface as {@link MlflowApiException}.
 * Thread-safe.
 */
public final class ModelRegistryClient {

  private static final int MODEL_PAGE_SIZE = 100;
  private static final int VERSION_PAGE_SIZE = 1000;

  private final MlflowHttp http;
  private final Retrier retrier;

  ModelRegistryClient(MlflowHttp http, Retrier retrier) {
    this.http = http;
    this.retrier = retrier;
  }

  /**
   * The registered model called {@code name}, creating it with {@code description} and {@code tags}
   * if it does not exist. An existing model is returned as it is. Safe when several processes do
   * this at once.
   */
  public RegisteredModel getOrCreateRegisteredModel(
      String name, String description, Map<String, String> tags) {
    MlflowLimits.checkModelName(name);
    tags.forEach(MlflowLimits::checkRegistryTag);
    ObjectNode body = http.object().put("name", name);
    if (description != null && !description.isEmpty()) {
      body.put("description", description);
    }
    body.set("tags", keyValues(tags));
    String operation = "create registered model '" + name + "'";
    try {
      JsonNode created =
          retrier.call(operation, () -> http.post(operation, "registered-models/create", body));
      return toRegisteredModel(created.path("registered_model"));
    } catch (MlflowApiException e) {
      if (e.hasErrorCode(MlflowApiException.RESOURCE_ALREADY_EXISTS)) {
        // It existed already, was created by someone else just now, or a retried create of ours
        // had succeeded: the model is there either way.
        return getRegisteredModel(name);
      }
      throw e;
    }
  }

  /**
   * The registered model called {@code name}.
   *
   * @throws MlflowApiException with {@link MlflowApiException#RESOURCE_DOES_NOT_EXIST} if there is
   *     none
   */
  public RegisteredModel getRegisteredModel(String name) {
    MlflowLimits.checkModelName(name);
    String operation = "get registered model '" + name + "'";
    JsonNode response =
        retrier.call(
            operation, () -> http.get(operation, "registered-models/get", Map.of("name", name)));
    return toRegisteredModel(response.path("registered_model"));
  }

  /** The registered model called {@code name}, or empty if there is none. */
  public Optional<RegisteredModel> findRegisteredModel(String name) {
    return emptyIfMissing(() -> getRegisteredModel(name));
  }

  /** Sets a tag on a registered model (overwriting an existing value). */
  public void setRegisteredModelTag(String name, String key, String value) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkRegistryTag(key, value);
    ObjectNode body = http.object().put("name", name).put("key", key).put("value", value);
    String operation = "set tag '" + key + "' of registered model '" + name + "'";
    retrier.run(operation, () -> http.post(operation, "registered-models/set-tag", body));
  }

  /**
   * Registered models matching an MLflow filter, e.g. {@code name LIKE 'spam%'} ({@code ""} for
   * all), reading every page.
   */
  public List<RegisteredModel> searchRegisteredModels(String filter) {
    return searchAll(
        "search registered models where " + filter,
        "registered-models/search",
        filter,
        MODEL_PAGE_SIZE,
        "registered_models",
        ModelRegistryClient::toRegisteredModel);
  }

  /**
   * Creates a new version of a registered model (which must exist). Each call makes a new version;
   * use {@link #getOrCreateModelVersion(ModelVersionSpec)} where a redelivered event may ask twice.
   */
  public ModelVersion createModelVersion(ModelVersionSpec spec) {
    ObjectNode body = http.object().put("name", spec.modelName()).put("source", spec.source());
    if (spec.runId() != null) {
      body.put("run_id", spec.runId());
    }
    if (!spec.description().isEmpty()) {
      body.put("description", spec.description());
    }
    body.set("tags", keyValues(spec.tags()));
    String operation =
        "create version of model '" + spec.modelName() + "' from '" + spec.source() + "'";
    JsonNode response =
        retrier.call(operation, () -> http.post(operation, "model-versions/create", body));
    return toModelVersion(response.path("model_version"));
  }

  /**
   * The version of {@code spec.modelName()} that run {@code spec.runId()} registered from {@code
   * spec.source()}, creating it if there is none yet: a retried registration returns the version
   * the first attempt made instead of adding another.
   */
  public ModelVersion getOrCreateModelVersion(ModelVersionSpec spec) {
    if (spec.runId() == null) {
      throw new IllegalArgumentException(
          "getOrCreateModelVersion finds earlier versions by their run id; the spec has none");
    }
    return findModelVersionsByRunId(spec.runId()).stream()
        .filter(v -> v.name().equals(spec.modelName()) && v.source().equals(spec.source()))
        .min((a, b) -> Long.compare(a.number(), b.number()))
        .orElseGet(() -> createModelVersion(spec));
  }

  /**
   * A version of a registered model.
   *
   * @throws MlflowApiException with {@link MlflowApiException#RESOURCE_DOES_NOT_EXIST} if there is
   *     no such model or version
   */
  public ModelVersion getModelVersion(String name, String version) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkVersion(version);
    String operation = "get version " + version + " of model '" + name + "'";
    JsonNode response =
        retrier.call(
            operation,
            () ->
                http.get(
                    operation, "model-versions/get", orderedMap("name", name, "version", version)));
    return toModelVersion(response.path("model_version"));
  }

  /** A version of a registered model, or empty if there is no such model or version. */
  public Optional<ModelVersion> findModelVersion(String name, String version) {
    return emptyIfMissing(() -> getModelVersion(name, version));
  }

  /** Sets a tag on a model version (overwriting an existing value). */
  public void setModelVersionTag(String name, String version, String key, String value) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkVersion(version);
    MlflowLimits.checkRegistryTag(key, value);
    ObjectNode body =
        http.object().put("name", name).put("version", version).put("key", key).put("value", value);
    String operation = "set tag '" + key + "' of version " + version + " of model '" + name + "'";
    retrier.run(operation, () -> http.post(operation, "model-versions/set-tag", body));
  }

  /** The model versions (of any model) registered from run {@code runId}, oldest first. */
  public List<ModelVersion> findModelVersionsByRunId(String runId) {
    MlflowLimits.checkRunId(runId);
    List<ModelVersion> versions = searchModelVersions("run_id = '" + runId + "'");
    versions.sort((a, b) -> Long.compare(a.creationTimestamp(), b.creationTimestamp()));
    return versions;
  }

  /**
   * Model versions matching an MLflow filter, e.g. {@code name = 'spam'} or {@code run_id = '...'},
   * reading every page.
   */
  public List<ModelVersion> searchModelVersions(String filter) {
    return searchAll(
        "search model versions where " + filter,
        "model-versions/search",
        filter,
        VERSION_PAGE_SIZE,
        "model_versions",
        ModelRegistryClient::toModelVersion);
  }

  /** Points alias {@code alias} of model {@code name} at {@code version} (moving it if set). */
  public void setAlias(String name, String alias, String version) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkAlias(alias);
    MlflowLimits.checkVersion(version);
    ObjectNode body = http.object().put("name", name).put("alias", alias).put("version", version);
    String operation = "set alias '" + alias + "' of model '" + name + "' to version " + version;
    retrier.run(operation, () -> http.post(operation, "registered-models/alias", body));
  }

  /**
   * The version alias {@code alias} of model {@code name} points to; empty if the alias is not set
   * or the model does not exist.
   */
  public Optional<ModelVersion> getVersionByAlias(String name, String alias) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkAlias(alias);
    String operation = "get version of model '" + name + "' by alias '" + alias + "'";
    try {
      JsonNode response =
          retrier.call(
              operation,
              () ->
                  http.get(
                      operation,
                      "registered-models/alias",
                      orderedMap("name", name, "alias", alias)));
      return Optional.of(toModelVersion(response.path("model_version")));
    } catch (MlflowApiException e) {
      if (e.hasErrorCode(MlflowApiException.RESOURCE_DOES_NOT_EXIST)) {
        return Optional.empty();
      }
      // MLflow 3 reports an unset alias as INVALID_PARAMETER_VALUE ("alias ... not found"), the
      // same code as a malformed request. Rather than matching its message, ask the model which
      // aliases it has.
      if (e.hasErrorCode(MlflowApiException.INVALID_PARAMETER_VALUE)) {
        Optional<RegisteredModel> model = findRegisteredModel(name);
        if (model.isEmpty() || model.get().versionOf(alias).isEmpty()) {
          return Optional.empty();
        }
      }
      throw e;
    }
  }

  /** Removes alias {@code alias} from model {@code name}; removing an unset alias is harmless. */
  public void deleteAlias(String name, String alias) {
    MlflowLimits.checkModelName(name);
    MlflowLimits.checkAlias(alias);
    ObjectNode body = http.object().put("name", name).put("alias", alias);
    String operation = "delete alias '" + alias + "' of model '" + name + "'";
    retrier.run(operation, () -> http.delete(operation, "registered-models/alias", body));
  }

  private <T> List<T> searchAll(
      String operation,
      String endpoint,
      String filter,
      int pageSize,
      String field,
      Function<JsonNode, T> mapper) {
    List<T> results = new ArrayList<>();
    String pageToken = null;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      if (filter != null && !filter.isBlank()) {
        query.put("filter", filter);
      }
      query.put("max_results", Integer.toString(pageSize));
      if (pageToken != null) {
        query.put("page_token", pageToken);
      }
      JsonNode page = retrier.call(operation, () -> http.get(operation, endpoint, query));
      page.path(field).forEach(node -> results.add(mapper.apply(node)));
      String next = page.path("next_page_token").asText("");
      pageToken = next.isEmpty() ? null : next;
    } while (pageToken != null);
    return results;
  }

  private static <T> Optional<T> emptyIfMissing(java.util.function.Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (MlflowApiException e) {
      if (e.hasErrorCode(MlflowApiException.RESOURCE_DOES_NOT_EXIST)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private ArrayNode keyValues(Map<String, String> entries) {
    ArrayNode array = http.object().arrayNode();
    entries.forEach((key, value) -> array.addObject().put("key", key).put("value", value));
    return array;
  }

  private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  static RegisteredModel toRegisteredModel(JsonNode node) {
    Map<String, String> aliases = new LinkedHashMap<>();
    node.path("aliases")
        .forEach(a -> aliases.put(a.path("alias").asText(), a.path("version").asText()));
    return new RegisteredModel(
        node.path("name").asText(),
        node.path("description").asText(""),
        node.path("creation_timestamp").asLong(0),
        node.path("last_updated_timestamp").asLong(0),
        tags(node),
        aliases);
  }

  static ModelVersion toModelVersion(JsonNode node) {
    List<String> aliases = new ArrayList<>();
    node.path("aliases").forEach(a -> aliases.add(a.asText()));
    return new ModelVersion(
        node.path("name").asText(),
        node.path("version").asText(),
        node.path("source").asText(""),
        node.path("run_id").asText(""),
        node.path("status").asText(""),
        node.path("description").asText(""),
        node.path("creation_timestamp").asLong(0),
        tags(node),
        aliases);
  }

  private static Map<String, String> tags(JsonNode node) {
    Map<String, String> tags = new LinkedHashMap<>();
    node.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText("")));
    return tags;
  }
}
