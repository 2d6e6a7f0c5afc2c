package dev.tuneloop.curation.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectNotFoundException;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectStream;
import dev.tuneloop.storage.ObjectSummary;
import dev.tuneloop.storage.PutResult;
import dev.tuneloop.storage.WriteOptions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a dataset lives in the object store ({@code tuneloop-datasets/<dataset>/}): immutable
 * versions {@code v<N>/} (split files, {@code rejected.jsonl}, and {@code manifest.json} written
 * last, so a version exists once its manifest does), the cross-version index as one segment per
 * version ({@code index/v<N>.ndjson}) plus withdrawals ({@code index/withdrawn/}), and batch
 * statuses ({@code batches/<batchId>.json}).
 */
public final class DatasetRepository {

  private static final Pattern VERSION_DIR = Pattern.compile(".*/v(\\d+)/");
  private static final Pattern SEGMENT = Pattern.compile(".*/index/v(\\d+)\\.ndjson");
  private static final WriteOptions JSONL = WriteOptions.contentType("application/x-ndjson");

  /** One JSON document per line: compact, stable field order. */
  static final ObjectMapper LINES =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private final ObjectStore store;
  private final Path spool;

  /**
   * A repository over {@code store}.
   *
   * @param spool a directory for temporary files while versions are written
   */
  public DatasetRepository(ObjectStore store, Path spool) {
    this.store = store;
    this.spool = spool;
  }

  /** The object store. */
  public ObjectStore store() {
    return store;
  }

  /** Versions with a manifest, ascending. */
  public List<Integer> versions(String dataset) {
    List<Integer> versions = new ArrayList<>();
    for (String prefix : store.listPrefixes(Buckets.DATASETS, dataset + "/")) {
      Matcher m = VERSION_DIR.matcher(prefix);
      if (m.matches() && store.exists(Buckets.DATASETS, prefix + "manifest.json")) {
        versions.add(Integer.parseInt(m.group(1)));
      }
    }
    versions.sort(null);
    return versions;
  }

  /** The manifest of a version, if it exists. */
  public Optional<Manifest> manifest(String dataset, int version) {
    try {
      return Optional.of(
          store.getJson(Buckets.DATASETS, manifestKey(dataset, version), Manifest.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The key of a version's manifest. */
  public static String manifestKey(String dataset, int version) {
    return dataset + "/v" + version + "/manifest.json";
  }

  /** The status of a batch, if known. */
  public Optional<BatchStatus> batchStatus(String dataset, String batchId) {
    try {
      return Optional.of(
          store.getJson(Buckets.DATASETS, batchKey(dataset, batchId), BatchStatus.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Writes (replaces) the status of a batch. */
  public void saveBatchStatus(BatchStatus status) {
    store.putJson(Buckets.DATASETS, batchKey(status.dataset(), status.batchId()), status);
  }

  private static String batchKey(String dataset, String batchId) {
    return dataset + "/batches/" + batchId + ".json";
  }

  /** Opens a raw batch by its {@code s3://bucket/key} URI. */
  public ObjectStream openRaw(String rawUri) {
    if (!rawUri.startsWith("s3://")) {
      throw new IllegalArgumentException("raw batch URI must be s3://bucket/key, was " + rawUri);
    }
    String path = rawUri.substring("s3://".length());
    int slash = path.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("raw batch URI must be s3://bucket/key, was " + rawUri);
    }
    return store.get(path.substring(0, slash), path.substring(slash + 1));
  }

  /** Rebuilds the dataset's index from its segments and withdrawals. */
  public DatasetIndex loadIndex(String dataset, MinHasher hasher) {
    DatasetIndex index = new DatasetIndex(hasher);
    List<int[]> segments = new ArrayList<>();
    List<ObjectSummary> objects = store.list(Buckets.DATASETS, dataset + "/index/");
    for (ObjectSummary o : objects) {
      Matcher m = SEGMENT.matcher(o.key());
      if (m.matches()) {
        int v = Integer.parseInt(m.group(1));
        // Only segments of published versions: a crash may leave the segment of an unfinished one.
        if (store.exists(Buckets.DATASETS, manifestKey(dataset, v))) {
          segments.add(new int[] {v});
        }
      }
    }
    segments.sort((a, b) -> Integer.compare(a[0], b[0]));
    for (int[] v : segments) {
      try (ObjectStream in = store.get(Buckets.DATASETS, segmentKey(dataset, v[0]));
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          if (!line.isBlank()) {
            IndexLine e = LINES.readValue(line, IndexLine.class);
            index.add(
                new IndexEntry(
                    e.id(),
                    e.hash(),
                    e.label(),
                    Split.ofCode(e.split()),
                    e.group(),
                    e.text(),
                    e.version()));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read index segment v" + v[0] + " of " + dataset, e);
      }
    }
    for (ObjectSummary o : objects) {
      if (o.key().startsWith(dataset + "/index/withdrawn/")) {
        Withdrawal w = store.getJson(Buckets.DATASETS, o.key(), Withdrawal.class);
        index.withdraw(w.id());
      }
    }
    return index;
  }

  /** One line of an index segment. */
  record IndexLine(
      String id, String hash, String label, String split, String group, String text, int version) {}

  /** A withdrawn record id. */
  record Withdrawal(String id) {}

  /** Records that {@code id} is withdrawn from the index (idempotent). */
  public void withdraw(String dataset, String id) {
    store.putJson(
        Buckets.DATASETS,
        dataset + "/index/withdrawn/" + TextNormalizer.hash(id) + ".json",
        new Withdrawal(id));
  }

  private static String segmentKey(String dataset, int version) {
    return dataset + "/index/v" + version + ".ndjson";
  }

  /**
   * Writes version {@code version}: each split is the previous version's file followed by the new
   * records, then {@code rejected.jsonl} and the index segment, and the manifest last. Every object
   * is write-once. Leftovers of an unfinished earlier attempt at the same version are removed
   * first.
   *
   * @param manifestWithoutFiles the manifest to complete with the objects' keys and hashes
   * @return the manifest as written and its SHA-256
   */
  public WrittenVersion writeVersion(
      String dataset, Manifest manifestWithoutFiles, BatchCuration curation) {
    int version = manifestWithoutFiles.version();
    String prefix = dataset + "/v" + version + "/";
    if (store.exists(Buckets.DATASETS, manifestKey(dataset, version))) {
      throw new IllegalStateException(
          "version " + version + " of " + dataset + " exists already; versions are immutable");
    }
    store.deleteAll(Buckets.DATASETS, prefix);
    Map<String, Manifest.SplitSummary> splits = new LinkedHashMap<>();
    for (Split split : Split.values()) {
      Manifest.SplitSummary summary = manifestWithoutFiles.splits().get(split.code());
      PutResult put =
          writeFile(
              prefix + split.fileName(),
              out -> {
                if (manifestWithoutFiles.previousVersion() != null) {
                  try (InputStream previous =
                      store.get(
                          Buckets.DATASETS,
                          dataset
                              + "/v"
                              + manifestWithoutFiles.previousVersion()
                              + "/"
                              + split.fileName())) {
                    previous.transferTo(out);
                  }
                }
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                for (CuratedRecord r : curation.added().get(split)) {
                  Map<String, Object> line = new LinkedHashMap<>();
                  line.put("id", r.id());
                  line.put("text", r.text());
                  line.put("label", r.label());
                  if (r.source() != null) {
                    line.put("source", r.source());
                  }
                  if (!r.meta().isEmpty()) {
                    line.put("meta", r.meta());
                  }
                  w.write(LINES.writeValueAsString(line));
                  w.write('\n');
                }
                w.flush();
              });
      splits.put(
          split.code(),
          new Manifest.SplitSummary(
              summary.records(),
              summary.added(),
              summary.byLabel(),
              summary.addedByLabel(),
              new Manifest.FileRef(put.key(), put.sha256(), put.size())));
    }
    PutResult rejected =
        writeFile(
            prefix + "rejected.jsonl",
            out -> {
              Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
              for (Rejection r : curation.rejections()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("line", r.line());
                line.put("reason", r.reason().code());
                line.put("detail", r.detail());
                if (r.id() != null) {
                  line.put("id", r.id());
                }
                line.put("excerpt", r.excerpt());
                w.write(LINES.writeValueAsString(line));
                w.write('\n');
              }
              w.flush();
            });
    store.delete(Buckets.DATASETS, segmentKey(dataset, version));
    writeFile(
        segmentKey(dataset, version),
        out -> {
          Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
          for (Split split : Split.values()) {
            for (CuratedRecord r : curation.added().get(split)) {
              w.write(
                  LINES.writeValueAsString(
                      new IndexLine(
                          r.id(),
                          r.hash(),
                          r.label(),
                          split.code(),
                          groupOf(r, manifestWithoutFiles),
                          TextNormalizer.normalize(r.text()),
                          version)));
              w.write('\n');
            }
          }
          w.flush();
        });
    Manifest manifest =
        new Manifest(
            manifestWithoutFiles.dataset(),
            version,
            manifestWithoutFiles.previousVersion(),
            manifestWithoutFiles.createdAt(),
            manifestWithoutFiles.labels(),
            splits,
            manifestWithoutFiles.recordsReceived(),
            manifestWithoutFiles.recordsAccepted(),
            manifestWithoutFiles.rejectedTotal(),
            manifestWithoutFiles.rejectedByReason(),
            manifestWithoutFiles.duplicates(),
            manifestWithoutFiles.agreement(),
            manifestWithoutFiles.batches(),
            manifestWithoutFiles.lineage(),
            new Manifest.FileRef(rejected.key(), rejected.sha256(), rejected.size()),
            manifestWithoutFiles.settings());
    PutResult put =
        store.putJsonIfAbsent(Buckets.DATASETS, manifestKey(dataset, version), manifest);
    return new WrittenVersion(manifest, put.uri(), put.sha256());
  }

  private static String groupOf(CuratedRecord r, Manifest m) {
    Object key = m.settings().get("groupKey");
    if (key == null) {
      return null;
    }
    Object value = r.meta().get(key.toString());
    return value == null ? null : value.toString();
  }

  /**
   * A written version.
   *
   * @param manifest its manifest
   * @param manifestUri {@code s3://tuneloop-datasets/<dataset>/v<N>/manifest.json}
   * @param manifestSha256 SHA-256 of the manifest object
   */
  public record WrittenVersion(Manifest manifest, String manifestUri, String manifestSha256) {}

  @FunctionalInterface
  private interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private PutResult writeFile(String key, Content content) {
    Path file = null;
    try {
      Files.createDirectories(spool);
      file = Files.createTempFile(spool, "curation-", ".jsonl");
      try (OutputStream out = Files.newOutputStream(file)) {
        content.writeTo(out);
      }
      return store.putIfAbsent(Buckets.DATASETS, key, file, JSONL);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + key + " through " + spool, e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // The spool file is only a temporary copy; the version itself is already written.
          System.getLogger(DatasetRepository.class.getName())
              .log(System.Logger.Level.WARNING, "cannot delete temporary file " + file, e);
        }
      }
    }
  }
}
