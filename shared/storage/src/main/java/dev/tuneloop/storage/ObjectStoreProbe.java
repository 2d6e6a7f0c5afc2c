package dev.tuneloop.storage;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Checks, quickly and without retries, that the S3 endpoint answers and the required buckets exist;
 * the basis of the services' readiness check. {@link #check()} never throws: every problem is
 * reported in the result.
 *
 * <p>It uses a client of its own with short timeouts, so a hanging store cannot stall a health
 * endpoint, and plain {@code HeadBucket} requests, which every S3 store answers (no MinIO-only
 * health URL).
 */
public final class ObjectStoreProbe implements AutoCloseable {

  /**
   * The outcome of a check.
   *
   * @param up whether the endpoint answered and every bucket exists
   * @param endpoint the endpoint checked
   * @param buckets the buckets required
   * @param missingBuckets the required buckets that do not exist (empty when the endpoint did not
   *     answer, since nothing is known then)
   * @param error what went wrong, or null when up
   */
  public record Result(
      boolean up,
      String endpoint,
      List<String> buckets,
      List<String> missingBuckets,
      String error) {}

  private final StorageSettings settings;
  private final List<String> buckets;
  private final MinioClient client;

  /**
   * @param settings where the store is (its retry policy is ignored: probes never retry)
   * @param buckets the buckets that must exist
   * @param timeout the connect, read and write timeout of each request
   */
  public ObjectStoreProbe(StorageSettings settings, Collection<String> buckets, Duration timeout) {
    this.settings = Objects.requireNonNull(settings, "settings");
    buckets.forEach(ObjectNames::requireValidBucket);
    this.buckets = List.copyOf(buckets);
    this.client = ObjectStore.newClient(settings, timeout, timeout);
  }

  /** Checks the endpoint and the buckets. Never throws. */
  public Result check() {
    String endpoint = settings.endpoint().toString();
    List<String> missing = new ArrayList<>();
    for (String bucket : buckets) {
      try {
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
          missing.add(bucket);
        }
      } catch (Exception e) {
        // The first failure says enough (an unreachable endpoint would fail every bucket).
        return new Result(false, endpoint, buckets, List.of(), S3Errors.describe(e));
      }
    }
    if (!missing.isEmpty()) {
      return new Result(
          false,
          endpoint,
          buckets,
          List.copyOf(missing),
          "missing buckets: "
              + String.join(", ", missing)
              + " (create them with ObjectStore.ensureBuckets() or your provisioning)");
    }
    return new Result(true, endpoint, buckets, List.of(), null);
  }

  /** Releases the probe's client. */
  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      throw new StorageException("close", null, null, "closing the probe's S3 client failed", e);
    }
  }
}
