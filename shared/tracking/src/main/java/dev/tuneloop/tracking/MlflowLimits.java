package dev.tuneloop.tracking;

import java.util.regex.Pattern;

/**
 * The limits and naming rules an MLflow 3.x server enforces (from {@code
 * mlflow/utils/validation.py}). Checking them here turns a rejected request into an {@link
 * IllegalArgumentException} that names the offending key before anything is sent, and lets batches
 * be split so that no request exceeds them.
 */
public final class MlflowLimits {

  /** Metrics per {@code runs/log-batch} request. */
  public static final int MAX_METRICS_PER_BATCH = 1000;

  /** Params per {@code runs/log-batch} request; the same limit holds for tags. */
  public static final int MAX_PARAMS_PER_BATCH = 100;

  /** Tags per {@code runs/log-batch} request. */
  public static final int MAX_TAGS_PER_BATCH = 100;

  /** Metrics, params and tags together per {@code runs/log-batch} request. */
  public static final int MAX_ENTITIES_PER_BATCH = 1000;

  /** Size of one {@code runs/log-batch} request body, in bytes. */
  public static final int MAX_BATCH_REQUEST_BYTES = 1_000_000;

  /** Length of a metric, param or tag key. */
  public static final int MAX_KEY_LENGTH = 250;

  /** Length of a param value. */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;

  /** Length of a run tag value. */
  public static final int MAX_TAG_VALUE_LENGTH = 8000;

  /** Length of an experiment name. */
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;

  /** Length of a registered model or model version tag key. */
  public static final int MAX_REGISTRY_TAG_KEY_LENGTH = 250;

  /** Length of a registered model or model version tag value. */
  public static final int MAX_REGISTRY_TAG_VALUE_LENGTH = 100_000;

  /** Length of a registered model alias. */
  public static final int MAX_ALIAS_LENGTH = 255;

  // MLflow's Python check is re.match(r"^[/\w.\- :]*$"), where \w is Unicode-aware.
  private static final Pattern KEY =
      Pattern.compile("[/\\w.\\- :]*", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern ALIAS =
      Pattern.compile("[\\w\\-]*", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern VERSION_ALIAS = Pattern.compile("[vV]\\d+");
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
  private static final Pattern VERSION = Pattern.compile("[1-9]\\d{0,18}");

  private MlflowLimits() {}

  /**
   * Checks a metric, param or tag key: 1 to 250 characters, only letters, digits, {@code _ - . / :}
   * and spaces, and a normalized relative path (MLflow may store keys as file names).
   *
   * @param kind what the key names, for the message (e.g. {@code "metric"})
   * @throws IllegalArgumentException if MLflow would refuse the key
   */
  public static void checkKey(String kind, String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(kind + " key must not be empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          kind + " key '" + abbreviate(key) + "' is longer than " + MAX_KEY_LENGTH + " characters");
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          kind
              + " key '"
              + key
              + "' has a character MLflow refuses: keys may only contain letters, digits,"
              + " underscores (_), dashes (-), periods (.), spaces, colons (:) and slashes (/)");
    }
    if (!isNormalizedRelativePath(key)) {
      throw new IllegalArgumentException(
          kind
              + " key '"
              + key
              + "' is not a normalized relative path (no leading or doubled '/', no '.' or '..'"
              + " segments, no trailing '/'), which MLflow requires because keys may become file"
              + " names");
    }
  }

  /**
   * Checks a param value (at most {@value #MAX_PARAM_VALUE_LENGTH} characters; MLflow would
   * otherwise truncate or refuse it).
   */
  public static void checkParamValue(String key, String value) {
    checkValue("param", key, value, MAX_PARAM_VALUE_LENGTH);
  }

  /** Checks a run tag value (at most {@value #MAX_TAG_VALUE_LENGTH} characters). */
  public static void checkTagValue(String key, String value) {
    checkValue("tag", key, value, MAX_TAG_VALUE_LENGTH);
  }

  /** Checks an experiment name: not blank, at most {@value #MAX_EXPERIMENT_NAME_LENGTH} chars. */
  public static void checkExperimentName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("experiment name must not be blank");
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "experiment name '"
              + abbreviate(name)
              + "' is longer than "
              + MAX_EXPERIMENT_NAME_LENGTH
              + " characters");
    }
  }

  /** Checks a registered model name: not blank, no {@code /} or {@code :}, a normalized path. */
  public static void checkModelName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("registered model name must not be blank");
    }
    if (name.contains("/") || name.contains(":")) {
      throw new IllegalArgumentException(
          "registered model name '" + name + "' must not contain '/' or ':'");
    }
    if (!isNormalizedRelativePath(name)) {
      throw new IllegalArgumentException(
          "registered model name '" + name + "' must not be '.' or start with '..'");
    }
  }

  /** Checks a model version number: a positive integer as MLflow returns it, e.g. {@code "3"}. */
  public static void checkVersion(String version) {
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "model version must be a positive integer such as \"3\", got '" + version + "'");
    }
  }

  /**
   * Checks an alias: 1 to 255 letters, digits, {@code _} or {@code -}; not {@code latest} and not
   * of the form {@code v<N>}, which MLflow reserves.
   */
  public static void checkAlias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new IllegalArgumentException("model alias must not be empty");
    }
    if (alias.length() > MAX_ALIAS_LENGTH) {
      throw new IllegalArgumentException(
          "model alias '"
              + abbreviate(alias)
              + "' is longer than "
              + MAX_ALIAS_LENGTH
              + " characters");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "model alias '"
              + alias
              + "' may only contain letters, digits, underscores (_) and dashes (-)");
    }
    if (alias.equalsIgnoreCase("latest") || VERSION_ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "model alias '" + alias + "' is reserved by MLflow ('latest' and 'v<N>' name versions)");
    }
  }

  /** Checks a registered model or model version tag. */
  public static void checkRegistryTag(String key, String value) {
    checkKey("registry tag", key);
    if (key.length() > MAX_REGISTRY_TAG_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "registry tag key '"
              + abbreviate(key)
              + "' is longer than "
              + MAX_REGISTRY_TAG_KEY_LENGTH);
    }
    checkValue("registry tag", key, value, MAX_REGISTRY_TAG_VALUE_LENGTH);
  }

  /** Checks a run id as MLflow issues them (32 hex digits; letters, digits, {@code _ -}). */
  public static void checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "run id must be an MLflow run id such as 503ddaf57b3c4ead90b2f8daf07bfa5e, got '"
              + runId
              + "'");
    }
  }

  private static void checkValue(String kind, String key, String value, int limit) {
    if (value == null) {
      throw new IllegalArgumentException(kind + " '" + key + "' has no value");
    }
    if (value.length() > limit) {
      throw new IllegalArgumentException(
          kind
              + " '"
              + key
              + "' has a value of "
              + value.length()
              + " characters; MLflow allows at most "
              + limit
              + " (store longer text as an artifact)");
    }
  }

  /**
   * Mirrors MLflow's {@code path_not_unique}: the key must equal its {@code posixpath.normpath},
   * must not be {@code .}, and must not start with {@code ..} or {@code /}.
   */
  static boolean isNormalizedRelativePath(String name) {
    if (name.startsWith("/") || name.startsWith("..") || name.equals(".")) {
      return false;
    }
    if (name.endsWith("/") || name.contains("//")) {
      return false;
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
