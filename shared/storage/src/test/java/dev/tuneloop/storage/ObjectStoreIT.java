package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tuneloop.storage.quarkus.ObjectStoreReadinessCheck;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store against the real S3 server of the stack (MinIO). Every object lives under a
 * prefix unique to the run, removed afterwards. The build runs this class with a 128 MiB heap, so
 * the several-hundred-MiB object below only passes if nothing holds a whole object in memory.
 */
@ExtendWith(RealStackExtension.class)
class ObjectStoreIT {

  private static final String RUN = "it-objectstore-" + UUID.randomUUID() + "/";
  private static final String BUCKET = Buckets.RAW;
  private static final Charset UTF8 = StandardCharsets.UTF_8;

  @TempDir static Path spool;

  private static StackEndpoints stack;
  private static ObjectStore store;
  private static MinioClient raw;

  @BeforeAll
  static void connect(StackEndpoints endpoints) {
    stack = endpoints;
    store = ObjectStore.connect(settings(endpoints.s3AccessKey(), endpoints.s3SecretKey()));
    store.ensureBuckets();
    // A plain client, to do what other tools (or corruption) do behind the store's back.
    raw =
        MinioClient.builder()
            .endpoint(endpoints.s3Endpoint())
            .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey())
            .build();
    System.out.printf("ObjectStoreIT: %s stack, S3 at %s%n", stack.mode(), stack.s3Endpoint());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (store != null) {
      store.deleteAll(BUCKET, RUN);
      store.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private static StorageSettings settings(String accessKey, String secretKey) {
    return StorageSettings.builder(stack.s3Endpoint(), accessKey, secretKey)
        .spoolDirectory(spool)
        .build();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  /** A stream that does not tell its size, as a network upload would. */
  private static InputStream unknownSize(byte[] content) {
    return new InputStream() {
      private final ByteArrayInputStream in = new ByteArrayInputStream(content);

      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, Math.min(len, 8192));
      }
    };
  }

  private static long spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(spool)) {
      return files.count();
    }
  }

  @Test
  void ensureBucketsCreatesMissingBucketsOnce() throws Exception {
    String extra = "tuneloop-it-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      assertThat(store.ensureBuckets(List.of(Buckets.RAW, extra))).containsExactly(extra);
      assertThat(store.ensureBuckets(List.of(Buckets.RAW, extra))).isEmpty();
      assertThat(store.ensureBuckets()).isEmpty();
    } finally {
      raw.removeBucket(RemoveBucketArgs.builder().bucket(extra).build());
    }
  }

  @Test
  void objectCreatedNotificationIsAttachedOnceAndKeptIdempotent() throws Exception {
    String extra = "tuneloop-it-" + UUID.randomUUID().toString().substring(0, 8);
    String arn = "arn:minio:sqs::PRIMARY:kafka";
    try {
      store.ensureBuckets(List.of(extra));
      assertThat(store.ensureObjectCreatedNotification(extra, arn, "")).isTrue();
      assertThat(store.ensureObjectCreatedNotification(extra, arn, "")).isFalse();
      var config =
          raw.getBucketNotification(
              io.minio.GetBucketNotificationArgs.builder().bucket(extra).build());
      assertThat(config.queueConfigurationList())
          .singleElement()
          .satisfies(q -> assertThat(q.queue()).isEqualTo(arn));
    } finally {
      raw.removeBucket(RemoveBucketArgs.builder().bucket(extra).build());
    }
  }

  @Test
  void streamOfUnknownSizeRoundTripsWithItsHashRecordedAndChecked() throws IOException {
    byte[] content = randomBytes(3 * 1024 * 1024 + 17, 1); // beyond the 1 MiB in-memory limit
    String key = RUN + "stream/batch-0001.jsonl";
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    PutResult put =
        store.put(
            BUCKET,
            key,
            unknownSize(content),
            WriteOptions.contentType("application/x-ndjson").withMetadata("dataset", "spam"));

    String sha256 = HashingInputStream.sha256Hex(content);
    assertThat(put.size()).isEqualTo(content.length);
    assertThat(put.sha256()).isEqualTo(sha256);
    assertThat(put.created()).isTrue();
    assertThat(spoolFiles()).as("the spool file is removed after the upload").isZero();

    ObjectInfo info = store.stat(BUCKET, key);
    assertThat(info.size()).isEqualTo(content.length);
    assertThat(info.sha256()).contains(sha256);
    assertThat(info.etag()).isEqualTo(put.etag());
    assertThat(info.contentType()).isEqualTo("application/x-ndjson");
    assertThat(info.userMetadata()).isEqualTo(Map.of("dataset", "spam"));
    assertThat(info.lastModified()).isAfterOrEqualTo(before);

    try (ObjectStream in = store.get(BUCKET, key)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
      assertThat(in.sha256()).contains(sha256);
      assertThat(in.info().userMetadata()).containsEntry("dataset", "spam");
    }
  }

  @Test
  void shortAndEmptyStreamsAreStoredToo() throws IOException {
    store.put(BUCKET, RUN + "small/hello.txt", unknownSize("hello".getBytes(UTF8)));
    store.put(BUCKET, RUN + "small/empty", unknownSize(new byte[0]));

    assertThat(store.getBytes(BUCKET, RUN + "small/hello.txt", 100))
        .asString(UTF8)
        .isEqualTo("hello");
    assertThat(store.getBytes(BUCKET, RUN + "small/empty", 100)).isEmpty();
    assertThat(store.stat(BUCKET, RUN + "small/empty").sha256())
        .contains(HashingInputStream.sha256Hex(new byte[0]));
    assertThatThrownBy(() -> store.getBytes(BUCKET, RUN + "small/hello.txt", 3))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("more than the 3 accepted");
  }

  @Test
  void fileRoundTripsThroughADownloadIntoAFile(@TempDir Path dir) throws IOException {
    byte[] content = randomBytes(2 * 1024 * 1024, 2);
    Path source = Files.write(dir.resolve("model.safetensors"), content);
    String key = RUN + "file/model.safetensors";

    PutResult put = store.put(BUCKET, key, source);
    Path target = dir.resolve("downloaded/nested/model.safetensors");
    ObjectInfo info = store.get(BUCKET, key, target);

    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(info.sha256()).contains(put.sha256());
    assertThat(info.size()).isEqualTo(content.length);
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).as("no temporary download file is left").containsExactly(target);
    }
  }

  @Test
  void listsByPrefixAndListsSubPrefixes() {
    String base = RUN + "list/spam/";
    for (String key : List.of("v1/train.jsonl", "v1/test.jsonl", "v2/train.jsonl", "v10/x")) {
      store.put(BUCKET, base + key, key.getBytes(UTF8));
    }
    store.put(BUCKET, RUN + "list/spamalot/other", new byte[1]);

    List<ObjectSummary> v1 = store.list(BUCKET, base + "v1/");

    assertThat(v1)
        .extracting(ObjectSummary::key)
        .containsExactly(base + "v1/test.jsonl", base + "v1/train.jsonl");
    assertThat(v1.get(1).size()).isEqualTo("v1/train.jsonl".length());
    assertThat(store.list(BUCKET, base)).hasSize(4);
    assertThat(store.listPrefixes(BUCKET, base))
        .containsExactly(base + "v1/", base + "v10/", base + "v2/");
    assertThat(store.list(BUCKET, RUN + "list/nothing-here/")).isEmpty();
  }

  @Test
  void deleteRemovesAndIsIdempotent() {
    String key = RUN + "delete/me.txt";
    store.put(BUCKET, key, "bye".getBytes(UTF8));
    assertThat(store.exists(BUCKET, key)).isTrue();

    store.delete(BUCKET, key);
    store.delete(BUCKET, key);

    assertThat(store.exists(BUCKET, key)).isFalse();
  }

  @Test
  void missingObjectsThrowObjectNotFound(@TempDir Path dir) {
    String key = RUN + "missing/nothing.json";

    assertThatThrownBy(() -> store.get(BUCKET, key))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("s3://" + BUCKET + "/" + key);
    assertThatThrownBy(() -> store.stat(BUCKET, key)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getJson(BUCKET, key, Map.class))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.get(BUCKET, key, dir.resolve("x")))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void tamperedObjectFailsOnReadWithBothHashes(@TempDir Path dir) throws Exception {
    String key = RUN + "tampered/labels.json";
    byte[] original = "{\"labels\":[\"ham\",\"spam\"]}".getBytes(UTF8);
    byte[] tampered = "{\"labels\":[\"ham\",\"eggs\"]}".getBytes(UTF8);
    PutResult put = store.put(BUCKET, key, original);

    // Overwrite behind the store's back, keeping the recorded hash, as corruption would.
    raw.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(tampered), tampered.length, -1)
            .userMetadata(Map.of(ObjectStore.SHA256_METADATA, put.sha256()))
            .build());

    try (ObjectStream in = store.get(BUCKET, key)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              IntegrityException.class,
              e -> {
                assertThat(e.bucket()).isEqualTo(BUCKET);
                assertThat(e.key()).isEqualTo(key);
                assertThat(e.expected()).isEqualTo(put.sha256());
                assertThat(e.actual()).isEqualTo(HashingInputStream.sha256Hex(tampered));
              });
    }
    Path target = dir.resolve("labels.json");
    assertThatThrownBy(() -> store.get(BUCKET, key, target)).isInstanceOf(IntegrityException.class);
    assertThat(target).as("unverified content never reaches the target").doesNotExist();
    assertThatThrownBy(() -> store.getJson(BUCKET, key, Map.class))
        .isInstanceOf(IntegrityException.class);
  }

  @Test
  void objectsWrittenByOtherToolsAreReadableAndHashedOnRead() throws Exception {
    String key = RUN + "foreign/upload.csv";
    byte[] content = "id,text,label\n1,hi,ham\n".getBytes(UTF8);
    raw.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(content), content.length, -1)
            .build());

    assertThat(store.stat(BUCKET, key).sha256()).isEmpty();
    try (ObjectStream in = store.get(BUCKET, key)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
      assertThat(in.sha256()).contains(HashingInputStream.sha256Hex(content));
    }
  }

  @Test
  void writeOnceNeverOverwritesDifferentContent() {
    String key = RUN + "datasets/spam/v1/train.jsonl";
    byte[] content = "{\"id\":\"1\",\"text\":\"hi\",\"label\":\"ham\"}\n".getBytes(UTF8);

    PutResult first = store.putIfAbsent(BUCKET, key, unknownSize(content), WriteOptions.DEFAULT);
    PutResult again = store.putIfAbsent(BUCKET, key, content, WriteOptions.DEFAULT);

    assertThat(first.created()).isTrue();
    assertThat(again.created()).as("same content: nothing written").isFalse();
    assertThat(again.sha256()).isEqualTo(first.sha256());
    byte[] other = "{\"id\":\"1\",\"text\":\"hi\",\"label\":\"spam\"}\n".getBytes(UTF8);
    assertThatThrownBy(() -> store.putIfAbsent(BUCKET, key, other, WriteOptions.DEFAULT))
        .isInstanceOfSatisfying(
            ObjectConflictException.class,
            e -> {
              assertThat(e.existingSha256()).isEqualTo(first.sha256());
              assertThat(e.newSha256()).isEqualTo(HashingInputStream.sha256Hex(other));
            })
        .hasMessageContaining("write it under a new key");
    assertThat(store.getBytes(BUCKET, key, 1000)).isEqualTo(content);
  }

  @Test
  void racingWriteOnceWritersLeaveExactlyOneWinner() throws Exception {
    String key = RUN + "race/model_card.json";
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<PutResult>> results = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        byte[] content = ("{\"writer\":" + i + "}").getBytes(UTF8);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.putIfAbsent(BUCKET, key, content, WriteOptions.DEFAULT);
                }));
      }
      start.countDown();
      List<PutResult> winners = new ArrayList<>();
      int conflicts = 0;
      for (Future<PutResult> result : results) {
        try {
          winners.add(result.get());
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ObjectConflictException.class);
          conflicts++;
        }
      }

      // Every writer passes the existence check at about the same time; the conditional write
      // (If-None-Match) is what lets only one of them create the object.
      assertThat(winners).hasSize(1);
      assertThat(winners.get(0).created()).isTrue();
      assertThat(conflicts).isEqualTo(writers - 1);
      assertThat(store.stat(BUCKET, key).sha256()).contains(winners.get(0).sha256());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void contentAddressedWritesStoreEachContentOnce() {
    byte[] content = randomBytes(4096, 3);
    String prefix = RUN + "blobs/";

    PutResult first = store.putContentAddressed(BUCKET, prefix, content, WriteOptions.DEFAULT);
    PutResult second =
        store.putContentAddressed(BUCKET, prefix, unknownSize(content), WriteOptions.DEFAULT);

    assertThat(first.key()).isEqualTo(prefix + HashingInputStream.sha256Hex(content));
    assertThat(first.created()).isTrue();
    assertThat(second.key()).isEqualTo(first.key());
    assertThat(second.created()).isFalse();
    assertThat(store.list(BUCKET, prefix)).hasSize(1);
  }

  /** A manifest-like document. */
  record Manifest(String dataset, int version, Map<String, Integer> counts, Instant createdAt) {}

  @Test
  void jsonDocumentsRoundTripAndAreWriteOnceIdempotent() {
    String key = RUN + "datasets/spam/v1/manifest.json";
    Manifest manifest =
        new Manifest(
            "spam",
            1,
            Map.of("train", 800, "validation", 100, "test", 100),
            Instant.parse("2026-11-24T10:15:30Z"));

    PutResult first = store.putJsonIfAbsent(BUCKET, key, manifest);
    // An equal document (map built in another order) serialises to the same bytes.
    Manifest equal =
        new Manifest(
            "spam",
            1,
            Map.of("test", 100, "validation", 100, "train", 800),
            Instant.parse("2026-11-24T10:15:30Z"));
    PutResult second = store.putJsonIfAbsent(BUCKET, key, equal);

    assertThat(second.created()).isFalse();
    assertThat(store.getJson(BUCKET, key, Manifest.class)).isEqualTo(manifest);
    assertThat(store.getJson(BUCKET, key, new TypeReference<Map<String, Object>>() {}))
        .containsEntry("createdAt", "2026-11-24T10:15:30Z");
    assertThat(store.stat(BUCKET, key).contentType()).isEqualTo("application/json");
    assertThatThrownBy(
            () -> store.putJsonIfAbsent(BUCKET, key, new Manifest("spam", 2, Map.of(), null)))
        .isInstanceOf(ObjectConflictException.class);
    assertThat(first.created()).isTrue();
  }

  @Test
  void wrongCredentialsFailAtOnceWithAHint() {
    try (ObjectStore wrong = ObjectStore.connect(settings(stack.s3AccessKey(), "not-the-secret"))) {
      assertThatThrownBy(() -> wrong.stat(BUCKET, RUN + "any"))
          .isInstanceOf(StorageException.class)
          .isNotInstanceOf(ObjectNotFoundException.class);
      assertThatThrownBy(() -> wrong.put(BUCKET, RUN + "any", new byte[1]))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("SignatureDoesNotMatch")
          .hasMessageContaining("secret-key")
          .hasMessageNotContaining("gave up after");
    }
  }

  @Test
  void readinessProbeIsUpAgainstTheRealStore() {
    StorageSettings settings = settings(stack.s3AccessKey(), stack.s3SecretKey());
    ObjectStoreReadinessCheck check =
        new ObjectStoreReadinessCheck(
            () -> new ObjectStoreProbe(settings, Buckets.ALL, Duration.ofSeconds(3)));

    HealthCheckResponse response = check.call();

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    try (ObjectStoreProbe missing =
        new ObjectStoreProbe(
            settings, List.of(Buckets.RAW, "tuneloop-does-not-exist"), Duration.ofSeconds(3))) {
      ObjectStoreProbe.Result result = missing.check();
      assertThat(result.up()).isFalse();
      assertThat(result.missingBuckets()).containsExactly("tuneloop-does-not-exist");
    }
  }

  @Test
  void largeObjectGoesUpInPartsAndStreamsBackVerified() throws IOException {
    long size = 320L * 1024 * 1024 + 12345; // 20+ parts of 16 MiB, not a multiple of a part
    String key = RUN + "large/checkpoint.bin";
    String expected;
    try (HashingInputStream reference = new HashingInputStream(new GeneratedStream(size, 42))) {
      reference.transferTo(OutputStream.nullOutputStream());
      expected = reference.sha256Hex();
    }

    long start = System.nanoTime();
    PutResult put = store.put(BUCKET, key, new GeneratedStream(size, 42));
    double uploadSeconds = (System.nanoTime() - start) / 1e9;

    assertThat(put.sha256()).isEqualTo(expected);
    assertThat(put.etag()).as("a multipart ETag ends with -<parts>").matches(".*-\\d+");
    assertThat(store.stat(BUCKET, key).size()).isEqualTo(size);

    start = System.nanoTime();
    long read;
    try (ObjectStream in = store.get(BUCKET, key)) {
      read = in.transferTo(OutputStream.nullOutputStream());
      assertThat(in.sha256()).contains(expected);
    }
    double downloadSeconds = (System.nanoTime() - start) / 1e9;
    assertThat(read).isEqualTo(size);
    System.out.printf(
        "ObjectStoreIT: %d MiB object, etag %s, upload %.1f s (%.0f MiB/s incl. spooling),"
            + " download+verify %.1f s (%.0f MiB/s), max heap %d MiB%n",
        size >> 20,
        put.etag(),
        uploadSeconds,
        (size >> 20) / uploadSeconds,
        downloadSeconds,
        (size >> 20) / downloadSeconds,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  /** Deterministic pseudo-random bytes of a given length, generated on the fly. */
  private static final class GeneratedStream extends InputStream {
    private final SplittableRandom random;
    private long remaining;

    GeneratedStream(long size, long seed) {
      this.random = new SplittableRandom(seed);
      this.remaining = size;
    }

    @Override
    public int read() {
      if (remaining <= 0) {
        return -1;
      }
      remaining--;
      return random.nextInt(256);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) random.nextInt(256);
      }
      remaining -= n;
      return n;
    }
  }
}
