package dev.tuneloop.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the S3 store is and how to talk to it. Any S3-compatible endpoint works (MinIO, AWS S3,
 * Ceph RGW, ...); requests use path-style addressing unless the endpoint is an AWS one.
 *
 * @param endpoint the endpoint URL, {@code http(s)://host[:port]}, without a path
 * @param accessKey the access key
 * @param secretKey the secret key (never printed by {@link #toString()})
 * @param region the region the buckets live in ({@code us-east-1} for MinIO unless configured)
 * @param retryPolicy how transient errors are retried
 * @param partSize the part size of multipart uploads, 5 MiB to 5 GiB; objects larger than this are
 *     uploaded in parts
 * @param connectTimeout how long to wait for a connection
 * @param ioTimeout how long a read or write on an open connection may stall
 * @param spoolDirectory where uploads from streams of unknown size are spooled (see {@link
 *     ObjectStore#put(String, String, java.io.InputStream, WriteOptions)})
 */
public record StorageSettings(
    URI endpoint,
    String accessKey,
    String secretKey,
    String region,
    RetryPolicy retryPolicy,
    long partSize,
    Duration connectTimeout,
    Duration ioTimeout,
    Path spoolDirectory) {

  /** The smallest part S3 accepts in a multipart upload (except the last one). */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** The largest part S3 accepts. */
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

  /** The default part size: large enough for few requests, small enough for bounded memory. */
  public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

  /** The default region, which MinIO uses unless configured otherwise. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** Validates the settings. */
  public StorageSettings {
    endpoint = requireValidEndpoint(endpoint);
    requireCredential("access key", accessKey);
    requireCredential("secret key", secretKey);
    if (region == null || region.isBlank() || !region.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "invalid region '" + region + "': expected a region name such as us-east-1");
    }
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "part size must be between 5 MiB and 5 GiB (the S3 limits), was " + partSize + " bytes");
    }
    requirePositive("connect timeout", connectTimeout);
    requirePositive("I/O timeout", ioTimeout);
    Objects.requireNonNull(spoolDirectory, "spoolDirectory");
  }

  /**
   * Starts settings for an endpoint, with the defaults: region {@value #DEFAULT_REGION}, {@link
   * RetryPolicy#DEFAULT}, 16 MiB parts, 10 s to connect, 60 s of I/O stall, spooling to {@code
   * java.io.tmpdir}.
   *
   * @param endpoint the endpoint URL, e.g. {@code http://127.0.0.1:9000}
   * @throws IllegalArgumentException if the URL cannot be parsed
   */
  public static Builder builder(String endpoint, String accessKey, String secretKey) {
    if (endpoint == null) {
      throw new IllegalArgumentException("storage endpoint must not be null");
    }
    try {
      return new Builder(new URI(endpoint.trim()), accessKey, secretKey);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "invalid storage endpoint '" + endpoint + "': " + e.getMessage(), e);
    }
  }

  /** Prints the settings without the secret key. */
  @Override
  public String toString() {
    return "StorageSettings[endpoint="
        + endpoint
        + ", accessKey="
        + accessKey
        + ", secretKey=****, region="
        + region
        + ", retryPolicy="
        + retryPolicy
        + ", partSize="
        + partSize
        + ", connectTimeout="
        + connectTimeout
        + ", ioTimeout="
        + ioTimeout
        + ", spoolDirectory="
        + spoolDirectory
        + "]";
  }

  private static URI requireValidEndpoint(URI endpoint) {
    if (endpoint == null) {
      throw new IllegalArgumentException("storage endpoint must not be null");
    }
    String scheme = endpoint.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException(
          "invalid storage endpoint '"
              + endpoint
              + "': expected an http:// or https:// URL such as http://127.0.0.1:9000");
    }
    if (endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "invalid storage endpoint '" + endpoint + "': the URL has no host name");
    }
    if (endpoint.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "invalid storage endpoint: put credentials in the access and secret keys, not the URL");
    }
    String path = endpoint.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "invalid storage endpoint '"
              + endpoint
              + "': must not have a path, query or fragment (buckets are not part of the"
              + " endpoint)");
    }
    // Normalise to scheme://host[:port] so that the client and log lines see one form.
    String normalised = scheme.toLowerCase(Locale.ROOT) + "://" + endpoint.getRawAuthority();
    return URI.create(normalised);
  }

  private static void requireCredential(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("storage " + name + " must be set");
    }
    if (!value.equals(value.strip())) {
      // A common copy-paste mistake; the value itself is not echoed, it may be a secret.
      throw new IllegalArgumentException("storage " + name + " has leading or trailing whitespace");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("storage " + name + " must be positive, was " + value);
    }
  }

  /** Builds {@link StorageSettings}, starting from the defaults. */
  public static final class Builder {
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private String region = DEFAULT_REGION;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private long partSize = DEFAULT_PART_SIZE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration ioTimeout = Duration.ofSeconds(60);
    private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder(URI endpoint, String accessKey, String secretKey) {
      this.endpoint = endpoint;
      this.accessKey = accessKey;
      this.secretKey = secretKey;
    }

    /** The region of the buckets. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** How transient errors are retried. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /** The multipart upload part size in bytes. */
    public Builder partSize(long partSize) {
      this.partSize = partSize;
      return this;
    }

    /** How long to wait for a connection. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** How long a read or write on an open connection may stall. */
    public Builder ioTimeout(Duration ioTimeout) {
      this.ioTimeout = ioTimeout;
      return this;
    }

    /** Where uploads from streams of unknown size are spooled. */
    public Builder spoolDirectory(Path spoolDirectory) {
      this.spoolDirectory = spoolDirectory;
      return this;
    }

    /**
     * Validates and builds the settings.
     *
     * @throws IllegalArgumentException if a setting is invalid
     */
    public StorageSettings build() {
      return new StorageSettings(
          endpoint,
          accessKey,
          secretKey,
          region,
          retryPolicy,
          partSize,
          connectTimeout,
          ioTimeout,
          spoolDirectory);
    }
  }
}
