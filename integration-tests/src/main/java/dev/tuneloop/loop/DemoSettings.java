package dev.tuneloop.loop;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo runs against and with: the stack from the environment ({@code stack.env}: {@code
 * KAFKA_BOOTSTRAP_SERVERS}, {@code TUNELOOP_STORAGE_*}, {@code TUNELOOP_TRACKING_URI}), the
 * services at the design's ports (or {@code TUNELOOP_<SERVICE>_URL}), and the arguments.
 */
public record DemoSettings(
    String kafka,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String mlflowUi,
    String minioConsole,
    Map<String, URI> services,
    Path records,
    Path baseModelDir,
    String baseModel,
    String model,
    String dataset,
    Path stateFile,
    Path cacheDir,
    int trafficBatch,
    double feedbackShare,
    long trafficPauseMillis,
    Duration stepTimeout,
    Duration trainingTimeout,
    Duration rolloutTimeout,
    boolean verbose) {

  private static final String USAGE =
      "usage: LoopDemo --records FILE --base-model-dir DIR [--base-model NAME] [--model NAME]"
          + " [--dataset NAME] [--state FILE] [--traffic-batch N] [--feedback-share F]"
          + " [--training-timeout-minutes N] [--verbose]";

  /**
   * Reads the arguments and the environment.
   *
   * @throws IllegalArgumentException with the usage when an argument is missing or unknown
   */
  public static DemoSettings parse(String[] args, Map<String, String> env) {
    Map<String, String> options = new LinkedHashMap<>();
    boolean verbose = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--verbose")) {
        verbose = true;
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i].substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; " + USAGE);
      }
    }
    Path home = Path.of(System.getProperty("user.home"));
    Map<String, URI> services = new LinkedHashMap<>();
    String[][] ports = {
      {"curation", "8081"}, {"trainer", "8082"}, {"evaluator", "8083"},
      {"registry", "8084"}, {"serving", "8085"}, {"monitor", "8086"}
    };
    for (String[] service : ports) {
      String variable = "TUNELOOP_" + service[0].toUpperCase(Locale.ROOT) + "_URL";
      services.put(
          service[0], URI.create(env.getOrDefault(variable, "http://127.0.0.1:" + service[1])));
    }
    return new DemoSettings(
        require(env, "KAFKA_BOOTSTRAP_SERVERS"),
        require(env, "TUNELOOP_STORAGE_ENDPOINT"),
        require(env, "TUNELOOP_STORAGE_ACCESS_KEY"),
        require(env, "TUNELOOP_STORAGE_SECRET_KEY"),
        env.getOrDefault("TUNELOOP_TRACKING_URI", "http://127.0.0.1:5000"),
        env.getOrDefault("TUNELOOP_MINIO_CONSOLE_URL", "http://127.0.0.1:9001"),
        services,
        Path.of(option(options, "records", null)),
        Path.of(option(options, "base-model-dir", null)),
        option(options, "base-model", "all-MiniLM-L6-v2"),
        option(options, "model", "spam"),
        option(options, "dataset", "spam"),
        Path.of(
            option(options, "state", home.resolve(".tuneloop/local/demo-state.json").toString())),
        Path.of(env.getOrDefault("TUNELOOP_CACHE_DIR", home.resolve(".cache/tuneloop").toString())),
        Integer.parseInt(option(options, "traffic-batch", "8")),
        Double.parseDouble(option(options, "feedback-share", "0.5")),
        Long.parseLong(option(options, "traffic-pause-millis", "200")),
        Duration.ofMinutes(Long.parseLong(option(options, "step-timeout-minutes", "15"))),
        Duration.ofMinutes(Long.parseLong(option(options, "training-timeout-minutes", "60"))),
        Duration.ofMinutes(Long.parseLong(option(options, "rollout-timeout-minutes", "20"))),
        verbose);
  }

  private static String option(Map<String, String> options, String name, String fallback) {
    String value = options.getOrDefault(name, fallback);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required; " + USAGE);
    }
    return value;
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          name + " is not set; run through deploy/local/tuneloop demo (it sources stack.env)");
    }
    return value;
  }
}
