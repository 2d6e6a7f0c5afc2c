package dev.tuneloop.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.minio.BucketExistsArgs;
import io.minio.GetBucketNotificationArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.SetBucketNotificationArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.EventType;
import io.minio.messages.Item;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The object store of tuneloop, over any S3-compatible server through the MinIO Java SDK.
 *
 * <ul>
 *   <li><b>Streaming.</b> Objects of any size are written from a stream, a file or bytes, and read
 *       as a stream or into a file, without ever holding a whole object in memory; objects larger
 *       than the part size go up as multipart uploads.
 *   <li><b>Integrity.</b> Every write records the content's SHA-256 as user metadata ({@value
 *       #SHA256_METADATA}); every read checks it when the end of the content is reached and throws
 *       an {@link IntegrityException} on a mismatch.
 *   <li><b>Immutable paths.</b> {@link #putIfAbsent} never overwrites an object with different
 *       content; {@link #putContentAddressed} names an object by its hash; {@link #putJson} and
 *       {@link #getJson} handle small documents such as dataset manifests.
 *   <li><b>Failures.</b> Transient errors (connection problems, 5xx, SlowDown, RequestTimeout) are
 *       retried with exponential backoff and jitter; the rest fail at once with a {@link
 *       StorageException} that names the operation and object, {@link ObjectNotFoundException} for
 *       a missing object. Names are validated before any request ({@link ObjectNames}).
 * </ul>
 *
 * <p>Retries cover whole requests: opening a stream with {@link #get(String, String)} is retried,
 * but an error while the caller reads that stream is the caller's to handle (downloads with {@link
 * #get(String, String, Path)} and {@link #getBytes} are retried as a whole).
 *
 * <p>Instances are thread-safe; create one per process and {@link #close()} it at shutdown.
 */
public class ObjectStore implements AutoCloseable {

  /** The user metadata key under which the content's lowercase hex SHA-256 is recorded. */
  public static final String SHA256_METADATA = "sha256";

  /** The largest document {@link #getJson} reads. */
  public static final int MAX_JSON_BYTES = 16 * 1024 * 1024;

  /** Streams that end within this many bytes are uploaded from memory, longer ones spooled. */
  static final int SPOOL_MEMORY_LIMIT = 1024 * 1024;

  /** S3 allows at most this many parts in one multipart upload. */
  private static final long MAX_PARTS = 10_000;

  private static final long MIB = 1024 * 1024;

  private final MinioClient client;
  private final StorageSettings settings;
  private final Retrier retrier;
  private final ObjectMapper json;

  /**
   * A store over an existing client; the store closes it.
   *
   * @param client the S3 client, configured for {@code settings}
   * @param settings the settings the client was built from (part size, spool directory, ...)
   * @param retrier the retry logic for transient errors
   * @param json the mapper for {@link #putJson} and {@link #getJson}
   */
  ObjectStore(MinioClient client, StorageSettings settings, Retrier retrier, ObjectMapper json) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.retrier = Objects.requireNonNull(retrier, "retrier");
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Creates a store for the given settings, with the {@linkplain #defaultObjectMapper() default
   * JSON mapper}. No request is made until the first operation.
   */
  public static ObjectStore connect(StorageSettings settings) {
    return connect(settings, defaultObjectMapper());
  }

  /** Creates a store for the given settings and JSON mapper. */
  public static ObjectStore connect(StorageSettings settings, ObjectMapper json) {
    MinioClient client = newClient(settings, settings.connectTimeout(), settings.ioTimeout());
    return new ObjectStore(
        client, settings, new Retrier(settings.retryPolicy(), S3Errors::isTransient), json);
  }

  /**
   * The JSON mapper used unless another is given: Java time types as ISO-8601 strings, map entries
   * sorted by key and indented output, so the same document always serialises to the same bytes
   * (and so to the same SHA-256, which keeps write-once JSON writes idempotent); unknown properties
   * are ignored on read, so adding a field to a document stays compatible.
   */
  public static ObjectMapper defaultObjectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  static MinioClient newClient(StorageSettings settings, Duration connect, Duration io) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(settings.endpoint().toString())
            .region(settings.region())
            .credentials(settings.accessKey(), settings.secretKey())
            .build();
    client.setTimeout(connect.toMillis(), io.toMillis(), io.toMillis());
    return client;
  }

  /** The settings of this store. */
  public StorageSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------------------
  // Buckets

  /** Creates those of the design's four {@link Buckets} that do not exist yet. */
  public List<String> ensureBuckets() {
    return ensureBuckets(Buckets.ALL);
  }

  /**
   * Creates the buckets that do not exist yet. Idempotent, and safe when several processes do it at
   * once.
   *
   * @return the buckets this call created (empty when all existed)
   * @throws StorageException if a bucket cannot be checked or created, e.g. because its name is
   *     taken by another account (AWS) or the credentials may not create buckets
   */
  public List<String> ensureBuckets(Collection<String> buckets) {
    buckets.forEach(ObjectNames::requireValidBucket);
    List<String> created = new ArrayList<>();
    for (String bucket : buckets) {
      boolean made =
          retry(
              "ensureBuckets",
              bucket,
              null,
              () -> {
                if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                  return false;
                }
                try {
                  client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                  return true;
                } catch (ErrorResponseException e) {
                  // Another process created it between our check and our request.
                  if ("BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                    return false;
                  }
                  throw e;
                }
              });
      if (made) {
        created.add(bucket);
      }
    }
    return List.copyOf(created);
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /**
   * Writes a stream of unknown size as binary content; see {@link #put(String, String, InputStream,
   * WriteOptions)}.
   */
  public PutResult put(String bucket, String key, InputStream content) {
    return put(bucket, key, content, WriteOptions.DEFAULT);
  }

  /**
   * Writes (or overwrites) an object from a stream of unknown size, read to its end but not closed.
   * A stream that ends within 1 MiB is uploaded from memory; a longer one is spooled to a temporary
   * file in the {@linkplain StorageSettings#spoolDirectory() spool directory} while its SHA-256 is
   * computed, then uploaded (in parts if it is larger than the part size) with the hash in its
   * metadata, and the file deleted. See {@link UploadSource#spool} for why.
   *
   * @throws IllegalArgumentException if the bucket or key is invalid
   * @throws StorageException if the stream cannot be read or the upload fails
   */
  public PutResult put(String bucket, String key, InputStream content, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = spool("put", bucket, key, content)) {
      return upload("put", bucket, key, source, options, false);
    }
  }

  /**
   * Writes a local file as binary content; see {@link #put(String, String, Path, WriteOptions)}.
   */
  public PutResult put(String bucket, String key, Path file) {
    return put(bucket, key, file, WriteOptions.DEFAULT);
  }

  /**
   * Writes (or overwrites) an object from a local file, streamed from disk (in parts if it is
   * larger than the part size). The file is hashed first; if it changes while it is uploaded, the
   * object is removed and the write fails.
   *
   * @throws IllegalArgumentException if the bucket or key is invalid or the file is not a regular
   *     file
   * @throws StorageException if the file cannot be read or the upload fails
   */
  public PutResult put(String bucket, String key, Path file, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = hashFile("put", bucket, key, file)) {
      return upload("put", bucket, key, source, options, false);
    }
  }

  /** Writes bytes as binary content; see {@link #put(String, String, byte[], WriteOptions)}. */
  public PutResult put(String bucket, String key, byte[] content) {
    return put(bucket, key, content, WriteOptions.DEFAULT);
  }

  /**
   * Writes (or overwrites) an object from bytes the caller holds.
   *
   * @throws IllegalArgumentException if the bucket or key is invalid
   * @throws StorageException if the upload fails
   */
  public PutResult put(String bucket, String key, byte[] content, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(options, "options");
    try (UploadSource source = UploadSource.ofBytes(content)) {
      return upload("put", bucket, key, source, options, false);
    }
  }

  /**
   * Writes an object that must never change (write-once): if the key is free the content is
   * written; if an object with the same SHA-256 is already there nothing is written and the result
   * says {@code created=false}, which makes retried and repeated writes harmless; if an object with
   * other content (or without a recorded hash) is there, an {@link ObjectConflictException} is
   * thrown.
   *
   * <p>Two writers racing for the same free key are told apart with a conditional write ({@code
   * If-None-Match: *}) where the store supports it and the object fits in one part; otherwise the
   * last writer wins the race, which is harmless for content-addressed keys.
   *
   * @throws ObjectConflictException if the key holds different content
   */
  public PutResult putIfAbsent(
      String bucket, String key, InputStream content, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = spool("putIfAbsent", bucket, key, content)) {
      return writeOnce(bucket, key, source, options);
    }
  }

  /**
   * Write-once from a local file; see {@link #putIfAbsent(String, String, InputStream,
   * WriteOptions)}.
   */
  public PutResult putIfAbsent(String bucket, String key, Path file, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = hashFile("putIfAbsent", bucket, key, file)) {
      return writeOnce(bucket, key, source, options);
    }
  }

  /** Write-once from bytes; see {@link #putIfAbsent(String, String, InputStream, WriteOptions)}. */
  public PutResult putIfAbsent(String bucket, String key, byte[] content, WriteOptions options) {
    checkObject(bucket, key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(options, "options");
    try (UploadSource source = UploadSource.ofBytes(content)) {
      return writeOnce(bucket, key, source, options);
    }
  }

  /**
   * Writes content under a key derived from it, {@code keyPrefix + sha256}: the same content always
   * lands on the same key and is stored once. The result holds the key.
   *
   * @param keyPrefix empty or a prefix ending with {@code /}, e.g. {@code blobs/}
   * @throws IllegalArgumentException if the prefix does not end with {@code /}
   */
  public PutResult putContentAddressed(
      String bucket, String keyPrefix, InputStream content, WriteOptions options) {
    checkContentAddressPrefix(bucket, keyPrefix);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = spool("putContentAddressed", bucket, keyPrefix, content)) {
      return writeOnce(bucket, keyPrefix + source.sha256(), source, options);
    }
  }

  /**
   * Content-addressed write from a local file; see {@link #putContentAddressed(String, String,
   * InputStream, WriteOptions)}.
   */
  public PutResult putContentAddressed(
      String bucket, String keyPrefix, Path file, WriteOptions options) {
    checkContentAddressPrefix(bucket, keyPrefix);
    Objects.requireNonNull(options, "options");
    try (UploadSource source = hashFile("putContentAddressed", bucket, keyPrefix, file)) {
      return writeOnce(bucket, keyPrefix + source.sha256(), source, options);
    }
  }

  /**
   * Content-addressed write from bytes; see {@link #putContentAddressed(String, String,
   * InputStream, WriteOptions)}.
   */
  public PutResult putContentAddressed(
      String bucket, String keyPrefix, byte[] content, WriteOptions options) {
    checkContentAddressPrefix(bucket, keyPrefix);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(options, "options");
    try (UploadSource source = UploadSource.ofBytes(content)) {
      return writeOnce(bucket, keyPrefix + source.sha256(), source, options);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JSON documents

  /**
   * Writes (or overwrites) a small JSON document, serialised with this store's mapper, as {@code
   * application/json}.
   *
   * @throws IllegalArgumentException if the document cannot be serialised
   */
  public PutResult putJson(String bucket, String key, Object document) {
    return put(bucket, key, toJson(document), WriteOptions.contentType("application/json"));
  }

  /**
   * Writes a JSON document once (e.g. a dataset version's {@code manifest.json}): writing the same
   * document again is a no-op, writing a different one throws {@link ObjectConflictException}.
   */
  public PutResult putJsonIfAbsent(String bucket, String key, Object document) {
    return putIfAbsent(bucket, key, toJson(document), WriteOptions.contentType("application/json"));
  }

  /**
   * Reads a JSON document of at most {@value #MAX_JSON_BYTES} bytes, verified against its recorded
   * SHA-256, into the given type.
   *
   * @throws ObjectNotFoundException if there is no such object
   * @throws StorageException if the object is too large or not a valid document of that type
   */
  public <T> T getJson(String bucket, String key, Class<T> type) {
    return readJson(bucket, key, json.constructType(type));
  }

  /** Reads a JSON document into a generic type, e.g. {@code new TypeReference<List<Row>>() {}}. */
  public <T> T getJson(String bucket, String key, TypeReference<T> type) {
    return readJson(bucket, key, json.constructType(type));
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Opens an object for reading. The stream verifies the content against the recorded SHA-256 when
   * it reaches the end (see {@link ObjectStream}); close it when done.
   *
   * @throws ObjectNotFoundException if there is no such object
   * @throws StorageException if the object cannot be opened
   */
  public ObjectStream get(String bucket, String key) {
    checkObject(bucket, key);
    return retry("get", bucket, key, () -> open(bucket, key));
  }

  /**
   * Downloads an object into a local file, replacing it. The content is streamed into a temporary
   * file next to the target, verified, then moved into place, so the target never holds partial or
   * unverified content. Transient failures, including a broken connection mid-download, restart the
   * download.
   *
   * @return what the store reported about the object
   * @throws ObjectNotFoundException if there is no such object
   * @throws IntegrityException if the content does not match its recorded SHA-256
   */
  public ObjectInfo get(String bucket, String key, Path target) {
    checkObject(bucket, key);
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StorageException(
          "download", bucket, key, "cannot create the target directory " + directory, e);
    }
    return retry("download", bucket, key, () -> download(bucket, key, absolute));
  }

  /**
   * Reads a whole object into memory, verified against its recorded SHA-256; for small objects
   * only.
   *
   * @param maxBytes the largest size accepted
   * @throws StorageException if the object is larger than {@code maxBytes}
   */
  public byte[] getBytes(String bucket, String key, int maxBytes) {
    checkObject(bucket, key);
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    return retry(
        "getBytes",
        bucket,
        key,
        () -> {
          try (ObjectStream in = open(bucket, key)) {
            if (in.info().size() > maxBytes) {
              throw new StorageException(
                  "getBytes",
                  bucket,
                  key,
                  "the object has "
                      + in.info().size()
                      + " bytes, more than the "
                      + maxBytes
                      + " accepted; stream it with get() instead",
                  null);
            }
            return in.readAllBytes();
          }
        });
  }

  /**
   * Size, ETag, recorded SHA-256, content type, last modification and user metadata of an object.
   *
   * @throws ObjectNotFoundException if there is no such object (or no such bucket)
   */
  public ObjectInfo stat(String bucket, String key) {
    checkObject(bucket, key);
    return retry(
        "stat",
        bucket,
        key,
        () ->
            toInfo(
                bucket,
                key,
                client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())));
  }

  /** Whether the object exists (false also when the bucket does not exist). */
  public boolean exists(String bucket, String key) {
    try {
      stat(bucket, key);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  /**
   * All objects whose key starts with {@code prefix} (at any depth), in key order. The listing is
   * read completely before it is returned; for very large buckets list narrower prefixes.
   *
   * @param prefix a key prefix, or {@code ""} for the whole bucket
   */
  public List<ObjectSummary> list(String bucket, String prefix) {
    ObjectNames.requireValidBucket(bucket);
    ObjectNames.requireValidPrefix(prefix);
    return retry(
        "list",
        bucket,
        prefix,
        () -> {
          List<ObjectSummary> objects = new ArrayList<>();
          for (Result<Item> result : client.listObjects(listArgs(bucket, prefix, true))) {
            Item item = result.get();
            if (!item.isDir()) {
              objects.add(
                  new ObjectSummary(
                      bucket,
                      item.objectName(),
                      item.size(),
                      unquote(item.etag()),
                      item.lastModified().toInstant()));
            }
          }
          return List.copyOf(objects);
        });
  }

  /**
   * The "directories" directly below a prefix: the distinct key prefixes up to the next {@code /}
   * (e.g. for {@code mydata/} the dataset versions {@code mydata/v1/}, {@code mydata/v2/}).
   *
   * @param prefix a prefix, normally ending with {@code /}, or {@code ""} for the top level
   */
  public List<String> listPrefixes(String bucket, String prefix) {
    ObjectNames.requireValidBucket(bucket);
    ObjectNames.requireValidPrefix(prefix);
    return retry(
        "listPrefixes",
        bucket,
        prefix,
        () -> {
          List<String> prefixes = new ArrayList<>();
          for (Result<Item> result : client.listObjects(listArgs(bucket, prefix, false))) {
            Item item = result.get();
            if (item.isDir()) {
              prefixes.add(item.objectName());
            }
          }
          return List.copyOf(prefixes);
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Bucket notifications

  /**
   * Makes sure {@code bucket} sends "object created" notifications for keys under {@code prefix} to
   * the queue {@code queueArn} (for MinIO's Kafka target e.g. {@code
   * arn:minio:sqs::PRIMARY:kafka}), keeping the bucket's other notification settings. Idempotent:
   * when a queue configuration for that ARN already exists nothing is changed.
   *
   * @param prefix a key prefix filter, or {@code ""} for every key
   * @return true if the configuration was changed
   * @throws StorageException if the store refuses (e.g. the ARN is not configured on the server)
   */
  public boolean ensureObjectCreatedNotification(String bucket, String queueArn, String prefix) {
    ObjectNames.requireValidBucket(bucket);
    Objects.requireNonNull(queueArn, "queueArn");
    Objects.requireNonNull(prefix, "prefix");
    return retry(
        "ensureObjectCreatedNotification",
        bucket,
        "",
        () -> {
          NotificationConfiguration config =
              client.getBucketNotification(
                  GetBucketNotificationArgs.builder().bucket(bucket).build());
          List<QueueConfiguration> queues = new ArrayList<>(config.queueConfigurationList());
          for (QueueConfiguration queue : queues) {
            if (queueArn.equals(queue.queue())) {
              return false;
            }
          }
          QueueConfiguration queue = new QueueConfiguration();
          queue.setQueue(queueArn);
          queue.setEvents(List.of(EventType.OBJECT_CREATED_ANY));
          if (!prefix.isEmpty()) {
            queue.setPrefixRule(prefix);
          }
          queues.add(queue);
          config.setQueueConfigurationList(queues);
          client.setBucketNotification(
              SetBucketNotificationArgs.builder().bucket(bucket).config(config).build());
          return true;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Deletes

  /** Deletes an object; deleting a missing object is not an error. */
  public void delete(String bucket, String key) {
    checkObject(bucket, key);
    retry(
        "delete",
        bucket,
        key,
        () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  /**
   * Deletes every object under a prefix.
   *
   * @param prefix a non-empty prefix (deleting a whole bucket by accident is not offered)
   * @return how many objects were deleted
   */
  public int deleteAll(String bucket, String prefix) {
    ObjectNames.requireValidBucket(bucket);
    ObjectNames.requireValidPrefix(prefix);
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException(
          "deleteAll needs a non-empty prefix; it does not empty a whole bucket");
    }
    List<DeleteObject> keys = new ArrayList<>();
    for (ObjectSummary object : list(bucket, prefix)) {
      keys.add(new DeleteObject(object.key()));
    }
    if (keys.isEmpty()) {
      return 0;
    }
    retry(
        "deleteAll",
        bucket,
        prefix,
        () -> {
          // The results are lazy: iterating them is what sends the (batched) delete requests.
          for (Result<DeleteError> result :
              client.removeObjects(
                  RemoveObjectsArgs.builder().bucket(bucket).objects(keys).build())) {
            DeleteError error = result.get();
            throw new StorageException(
                "deleteAll",
                bucket,
                error.objectName(),
                "S3 error " + error.code() + ": " + error.message(),
                null);
          }
          return null;
        });
    return keys.size();
  }

  /** Releases the client's connections and threads. */
  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      throw new StorageException("close", null, null, "closing the S3 client failed", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private PutResult upload(
      String operation,
      String bucket,
      String key,
      UploadSource source,
      WriteOptions options,
      boolean ifAbsent) {
    Map<String, String> metadata = new HashMap<>(options.userMetadata());
    metadata.put(SHA256_METADATA, source.sha256());
    long partSize = partSize(source.size());
    // Conditional creation is only defined for a single PUT (CompleteMultipartUpload would need the
    // header too, which the SDK does not send), so multipart write-once relies on the prior check.
    Map<String, String> headers =
        ifAbsent && source.size() <= partSize ? Map.of("If-None-Match", "*") : Map.of();
    ObjectWriteResponse response =
        retry(
            operation,
            bucket,
            key,
            () -> {
              if (source instanceof UploadSource.Bytes bytes) {
                return client.putObject(
                    PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            new ByteArrayInputStream(bytes.content()), bytes.size(), partSize)
                        .contentType(options.contentType())
                        .userMetadata(metadata)
                        .headers(headers)
                        .build());
              }
              UploadSource.LocalFile file = (UploadSource.LocalFile) source;
              // From a file the SDK reads each part straight from disk: no part is buffered.
              return client.uploadObject(
                  UploadObjectArgs.builder()
                      .bucket(bucket)
                      .object(key)
                      .filename(file.path().toString(), partSize)
                      .contentType(options.contentType())
                      .userMetadata(metadata)
                      .headers(headers)
                      .build());
            });
    if (source instanceof UploadSource.LocalFile file && !file.temporary()) {
      requireUnchanged(operation, bucket, key, file);
    }
    return new PutResult(
        bucket, key, source.size(), source.sha256(), unquote(response.etag()), true);
  }

  private void requireUnchanged(
      String operation, String bucket, String key, UploadSource.LocalFile file) {
    boolean unchanged;
    try {
      unchanged = file.unchanged();
    } catch (IOException e) {
      unchanged = false;
    }
    if (!unchanged) {
      // The stored bytes may not match the recorded hash: remove them rather than leave an object
      // that fails every read.
      delete(bucket, key);
      throw new StorageException(
          operation,
          bucket,
          key,
          "the file "
              + file.path()
              + " changed while it was uploaded; the object was removed, upload it again",
          null);
    }
  }

  private PutResult writeOnce(
      String bucket, String key, UploadSource source, WriteOptions options) {
    Optional<ObjectInfo> existing = statIfExists(bucket, key);
    if (existing.isPresent()) {
      return sameOrConflict(existing.get(), source);
    }
    try {
      return upload("putIfAbsent", bucket, key, source, options, true);
    } catch (StorageException e) {
      if (e.getCause() != null
          && S3Errors.errorCode(e.getCause()).filter("PreconditionFailed"::equals).isPresent()) {
        // Another writer created the object between our check and our write.
        return sameOrConflict(stat(bucket, key), source);
      }
      throw e;
    }
  }

  private Optional<ObjectInfo> statIfExists(String bucket, String key) {
    try {
      return Optional.of(stat(bucket, key));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  private static PutResult sameOrConflict(ObjectInfo existing, UploadSource source) {
    if (existing.sha256().filter(source.sha256()::equals).isPresent()
        && existing.size() == source.size()) {
      return new PutResult(
          existing.bucket(),
          existing.key(),
          existing.size(),
          source.sha256(),
          existing.etag(),
          false);
    }
    throw new ObjectConflictException(
        existing.bucket(), existing.key(), existing.sha256().orElse(null), source.sha256());
  }

  private UploadSource spool(String operation, String bucket, String key, InputStream content) {
    Objects.requireNonNull(content, "content");
    try {
      return UploadSource.spool(content, settings.spoolDirectory(), SPOOL_MEMORY_LIMIT);
    } catch (IOException e) {
      // Not retried: a stream that failed half-way cannot be read again.
      throw new StorageException(
          operation,
          bucket,
          key,
          "reading the content to upload failed (spooling to "
              + settings.spoolDirectory()
              + "): "
              + e,
          e);
    }
  }

  private static UploadSource hashFile(String operation, String bucket, String key, Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return UploadSource.ofFile(file);
    } catch (IOException e) {
      throw new StorageException(
          operation, bucket, key, "reading the local file " + file + " failed: " + e, e);
    }
  }

  private ObjectStream open(String bucket, String key) throws Exception {
    GetObjectResponse response =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
    try {
      ObjectInfo info =
          toInfo(
              bucket,
              key,
              new StatObjectResponse(response.headers(), bucket, settings.region(), key));
      return new ObjectStream(response, info);
    } catch (RuntimeException e) {
      try {
        response.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw new StorageException(
          "get", bucket, key, "the server's response headers are incomplete: " + e, e);
    }
  }

  private ObjectInfo download(String bucket, String key, Path target) throws Exception {
    Path temp =
        Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".download");
    try {
      ObjectInfo info;
      try (ObjectStream in = open(bucket, key);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
        info = in.info();
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return info;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private <T> T readJson(String bucket, String key, JavaType type) {
    byte[] content = getBytes(bucket, key, MAX_JSON_BYTES);
    try {
      return json.readValue(content, type);
    } catch (IOException e) {
      throw new StorageException(
          "getJson",
          bucket,
          key,
          "not a valid JSON document of type " + type.toCanonical() + ": " + e.getMessage(),
          e);
    }
  }

  private byte[] toJson(Object document) {
    Objects.requireNonNull(document, "document");
    try {
      return json.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot serialise " + document.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  private static ObjectInfo toInfo(String bucket, String key, StatObjectResponse response) {
    Map<String, String> metadata = new HashMap<>(response.userMetadata());
    Optional<String> sha256 =
        Optional.ofNullable(metadata.remove(SHA256_METADATA)).map(s -> s.toLowerCase(Locale.ROOT));
    return new ObjectInfo(
        bucket,
        key,
        response.size(),
        response.etag(),
        sha256,
        response.contentType(),
        response.lastModified().toInstant(),
        metadata);
  }

  private static ListObjectsArgs listArgs(String bucket, String prefix, boolean recursive) {
    ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(recursive);
    if (!prefix.isEmpty()) {
      args.prefix(prefix);
    }
    return args.build();
  }

  /**
   * The part size for an object: the configured one, or larger when the object would otherwise need
   * more than the 10,000 parts S3 allows (rounded up to whole MiB).
   */
  long partSize(long objectSize) {
    long needed = (objectSize + MAX_PARTS - 1) / MAX_PARTS;
    long roundedUp = (needed + MIB - 1) / MIB * MIB;
    return Math.max(settings.partSize(), roundedUp);
  }

  private <T> T retry(String operation, String bucket, String key, Retrier.Attempt<T> attempt) {
    return retrier.call(
        operation + " " + StorageException.location(bucket, key),
        attempt,
        (failure, attempts) -> translate(operation, bucket, key, failure, attempts));
  }

  private RuntimeException translate(
      String operation, String bucket, String key, Exception failure, int attempts) {
    if (failure instanceof StorageException || failure instanceof IllegalArgumentException) {
      return (RuntimeException) failure;
    }
    Optional<String> code = S3Errors.errorCode(failure);
    if (code.filter("NoSuchKey"::equals).isPresent()) {
      return new ObjectNotFoundException(operation, bucket, key, failure);
    }
    String detail =
        S3Errors.describe(failure)
            + " [endpoint "
            + settings.endpoint()
            + (attempts > 1 ? ", gave up after " + attempts + " attempts" : "")
            + "]";
    return new StorageException(operation, bucket, key, detail, failure);
  }

  private static void checkObject(String bucket, String key) {
    ObjectNames.requireValidBucket(bucket);
    ObjectNames.requireValidKey(key);
  }

  private static void checkContentAddressPrefix(String bucket, String keyPrefix) {
    ObjectNames.requireValidBucket(bucket);
    ObjectNames.requireValidPrefix(keyPrefix);
    if (!keyPrefix.isEmpty() && !keyPrefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "content-addressed key prefix '" + keyPrefix + "' must be empty or end with '/'");
    }
  }

  private static String unquote(String etag) {
    return etag == null ? null : etag.replace("\"", "");
  }
}
