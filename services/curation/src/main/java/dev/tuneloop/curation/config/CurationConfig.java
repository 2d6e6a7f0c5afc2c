package dev.tuneloop.curation.config;

import dev.tuneloop.curation.domain.CurationPolicy;
import dev.tuneloop.curation.domain.MinHashSettings;
import dev.tuneloop.curation.domain.RecordLimits;
import dev.tuneloop.curation.domain.SplitRatios;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Curation settings ({@code tuneloop.curation.*}); per-dataset overrides under {@code datasets}.
 */
@ConfigMapping(prefix = "tuneloop.curation")
public interface CurationConfig {

  /** Characters per shingle of the normalized text for near-duplicate detection. */
  @WithDefault("5")
  int shingleSize();

  /** MinHash permutations (signature length); a multiple of {@link #bands()}. */
  @WithDefault("120")
  int permutations();

  /** LSH bands (rows per band = permutations / bands). */
  @WithDefault("20")
  int bands();

  /** Jaccard similarity at or above which two texts are near duplicates. */
  @WithDefault("0.8")
  double nearDuplicateThreshold();

  /** Seed of the MinHash functions; changing it makes stored indexes unusable. */
  @WithDefault("42")
  long minhashSeed();

  /** Target share of the training split. */
  @WithDefault("0.8")
  double trainRatio();

  /** Target share of the validation split. */
  @WithDefault("0.1")
  double validationRatio();

  /** Target share of the test split. */
  @WithDefault("0.1")
  double testRatio();

  /** Least share of annotators behind the majority label; below it: {@code low_agreement}. */
  @WithDefault("0.6")
  double agreementThreshold();

  /** Longest accepted text in characters. */
  @WithDefault("100000")
  int maxTextChars();

  /** Longest accepted NDJSON line or CSV row in bytes. */
  @WithDefault("1048576")
  int maxLineBytes();

  /** Largest accepted upload in bytes (larger: 413). */
  @WithDefault("4294967296")
  long maxUploadBytes();

  /**
   * A {@code meta} field whose value keeps records in one split (e.g. a thread id); none by
   * default.
   */
  Optional<String> groupKey();

  /** Whether labels outside a dataset's label set are accepted (and join it). */
  @WithDefault("false")
  boolean allowNewLabels();

  /** Per-dataset settings, keyed by dataset name. */
  Map<String, DatasetConfig> datasets();

  /** Attach the bucket notification (raw bucket -> Kafka) at startup. */
  @WithDefault("true")
  boolean attachBucketNotification();

  /** The notification target of the S3 server (MinIO's Kafka target). */
  @WithDefault("arn:minio:sqs::PRIMARY:kafka")
  String notificationArn();

  /** Batches waiting for the curation worker at most; beyond, ingest events are dead-lettered. */
  @WithDefault("10000")
  int queueCapacity();

  /** Directory for temporary files (uploads being stored, version files being written). */
  @WithDefault("${java.io.tmpdir}/tuneloop-curation")
  String spoolDirectory();

  /** Settings of one dataset. */
  interface DatasetConfig {

    /** The dataset's label set; when absent, its first version fixes it. */
    Optional<List<String>> labels();

    /** Overrides {@link CurationConfig#allowNewLabels()}. */
    Optional<Boolean> allowNewLabels();

    /** Overrides {@link CurationConfig#groupKey()}. */
    Optional<String> groupKey();
  }

  /** The policy of {@code dataset}: the global settings with its overrides. */
  default CurationPolicy policy(String dataset) {
    DatasetConfig own = datasets().get(dataset);
    return new CurationPolicy(
        new MinHashSettings(
            shingleSize(), permutations(), bands(), nearDuplicateThreshold(), minhashSeed()),
        new SplitRatios(trainRatio(), validationRatio(), testRatio()),
        agreementThreshold(),
        new RecordLimits(maxLineBytes(), maxTextChars()),
        own == null ? Set.of() : Set.copyOf(own.labels().orElse(List.of())),
        own == null ? allowNewLabels() : own.allowNewLabels().orElse(allowNewLabels()),
        own == null ? groupKey().orElse(null) : own.groupKey().or(this::groupKey).orElse(null));
  }
}
