package dev.tuneloop.trainer.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectNotFoundException;
import dev.tuneloop.storage.ObjectStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A curated dataset version as curation writes it: {@code
 * tuneloop-datasets/<dataset>/v<N>/manifest.json} (labels, per split: cumulative records, records
 * added by this version, the split file's key) and the split files.
 *
 * @param dataset the dataset
 * @param version the version
 * @param manifest the manifest
 * @param manifestSha256 hex SHA-256 of the manifest's bytes
 * @param labels the label set, in the order the classifier uses
 */
public record DatasetVersion(
    String dataset, int version, JsonNode manifest, String manifestSha256, List<String> labels) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads a version's manifest.
   *
   * @throws JobFailedException {@code dataset_not_found} if it does not exist, {@code
   *     invalid_dataset} if it names fewer than two labels or no training records
   */
  public static DatasetVersion read(ObjectStore store, String dataset, int version) {
    String key = dataset + "/v" + version + "/manifest.json";
    byte[] bytes;
    try {
      bytes = store.getBytes(Buckets.DATASETS, key, ObjectStore.MAX_JSON_BYTES);
    } catch (ObjectNotFoundException e) {
      throw new JobFailedException(
          FailureCodes.DATASET_NOT_FOUND,
          "dataset "
              + dataset
              + " has no version "
              + version
              + " (no s3://"
              + Buckets.DATASETS
              + "/"
              + key
              + ")");
    }
    JsonNode manifest;
    try {
      manifest = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new JobFailedException(
          FailureCodes.INVALID_DATASET,
          "manifest " + key + " is not valid JSON: " + e.getMessage());
    }
    return of(dataset, version, manifest, sha256(bytes));
  }

  /** A version from an already parsed manifest (checks labels and the train split). */
  public static DatasetVersion of(String dataset, int version, JsonNode manifest, String sha256) {
    List<String> labels = new ArrayList<>();
    manifest.path("labels").forEach(l -> labels.add(l.asText()));
    if (labels.size() < 2 || labels.stream().distinct().count() != labels.size()) {
      throw new JobFailedException(
          FailureCodes.INVALID_DATASET,
          "dataset "
              + dataset
              + " v"
              + version
              + " must name at least two distinct labels, has "
              + labels);
    }
    DatasetVersion v = new DatasetVersion(dataset, version, manifest, sha256, List.copyOf(labels));
    if (v.records("train") == 0) {
      throw new JobFailedException(
          FailureCodes.INVALID_DATASET,
          "dataset " + dataset + " v" + version + " has no training records");
    }
    return v;
  }

  /** The version's folder URI. */
  public String uri() {
    return "s3://" + Buckets.DATASETS + "/" + dataset + "/v" + version + "/";
  }

  /** Records in a split (cumulative over versions). */
  public long records(String split) {
    return manifest.path("splits").path(split).path("records").asLong(0);
  }

  /** Records this version added to a split. */
  public long added(String split) {
    JsonNode s = manifest.path("splits").path(split);
    return s.has("added") ? s.path("added").asLong() : records(split);
  }

  /** The object key of a split file. */
  public String splitKey(String split) {
    String key = manifest.path("splits").path(split).path("file").path("key").asText("");
    return key.isEmpty() ? dataset + "/v" + version + "/" + split + ".jsonl" : key;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
