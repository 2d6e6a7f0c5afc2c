package dev.tuneloop.storage.quarkus;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Object store configuration of a tuneloop service, {@code tuneloop.storage.*} (environment
 * variables {@code TUNELOOP_STORAGE_*}). The local stack writes the endpoint and keys to its {@code
 * stack.env}.
 */
@ConfigMapping(prefix = "tuneloop.storage")
public interface StorageConfig {

  /** S3 endpoint URL without a path: MinIO, AWS S3, Ceph RGW or any S3-compatible store. */
  @WithDefault("http://127.0.0.1:9000")
  String endpoint();

  /** Access key (required; the local stack generates it into stack.env). */
  Optional<String> accessKey();

  /** Secret key (required; the local stack generates it into stack.env). */
  Optional<String> secretKey();

  /** Region the buckets live in. */
  @WithDefault("us-east-1")
  String region();

  /** Buckets this service needs: created on first use if create-buckets, checked by readiness. */
  @WithDefault("tuneloop-raw,tuneloop-datasets,tuneloop-models,tuneloop-mlflow")
  List<String> buckets();

  /** Create missing buckets when the store is first used (off where buckets are provisioned). */
  @WithDefault("true")
  boolean createBuckets();

  /** Part size of multipart uploads (5M to 5G); larger objects are uploaded in parts. */
  @WithDefault("16M")
  MemorySize partSize();

  /** How long to wait for a connection to the store. */
  @WithDefault("10s")
  Duration connectTimeout();

  /** How long a read or write on an open connection may stall. */
  @WithDefault("60s")
  Duration ioTimeout();

  /** Where uploads from streams of unknown size are spooled; default: java.io.tmpdir. */
  Optional<Path> spoolDirectory();

  /** Retries of transient errors. */
  Retry retry();

  /** The readiness check. */
  Health health();

  /** Retries of transient errors (connection failures, 5xx, SlowDown, RequestTimeout). */
  interface Retry {

    /** Total attempts per operation, including the first (1 = no retry). */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("10s")
    Duration maxBackoff();

    /** Growth factor of the wait per retry. */
    @WithDefault("2.0")
    double multiplier();

    /** Fraction of each wait that is randomised away (0 = none, 1 = full jitter). */
    @WithDefault("0.5")
    double jitter();
  }

  /** The {@code object-store} readiness check. */
  interface Health {

    /** Timeout of each request of the check; the check never retries. */
    @WithDefault("3s")
    Duration timeout();
  }
}
