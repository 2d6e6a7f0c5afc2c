package dev.tuneloop.monitor.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The training-time statistics of a model, as the trainer writes them into the model artifact's
 * {@code reference_profile.json} (snake_case JSON, schema version 1). Live traffic is compared
 * against it.
 *
 * @param schemaVersion the file's schema version (1)
 * @param sampleCount training examples the profile was computed from
 * @param labels the model's labels
 * @param labelDistribution share of each true label in the training split
 * @param predictedLabelDistribution share of each label the model predicted on the training split
 * @param textLength text length in characters
 * @param tokenCount tokens per text; may be absent
 * @param confidence the model's confidence on the training split
 * @param embedding the pooled embeddings, projected on k random unit directions; may be absent
 */
public record ReferenceProfile(
    int schemaVersion,
    long sampleCount,
    List<String> labels,
    Map<String, Double> labelDistribution,
    Map<String, Double> predictedLabelDistribution,
    Histogram textLength,
    @Nullable Histogram tokenCount,
    Histogram confidence,
    @Nullable Embedding embedding) {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /**
   * A histogram with a sample of raw values.
   *
   * @param binEdges ascending bin edges ({@code counts.size() + 1} of them)
   * @param counts values per bin
   * @param sample up to 1000 raw values, for two-sample tests
   */
  public record Histogram(List<Double> binEdges, List<Double> counts, List<Double> sample) {

    /** Checks the shape. */
    public Histogram {
      if (binEdges == null || counts == null || binEdges.size() != counts.size() + 1) {
        throw new InvalidProfileException("a histogram needs bin_edges = counts + 1");
      }
      sample = sample == null ? List.of() : List.copyOf(sample);
    }

    /** The edges as an array. */
    public double[] edges() {
      return toArray(binEdges);
    }

    /** The counts as an array. */
    public double[] countArray() {
      return toArray(counts);
    }

    /** The sample as an array. */
    public double[] sampleArray() {
      return toArray(sample);
    }
  }

  /**
   * Projected embeddings.
   *
   * @param dimension embedding dimension d
   * @param mean mean embedding
   * @param projectionSeed seed the projections were drawn from
   * @param projections k unit vectors of dimension d
   * @param projected per projection: the histogram of projected values
   * @param projectedSample up to 500 projected points (k numbers each)
   */
  public record Embedding(
      int dimension,
      @Nullable List<Double> mean,
      long projectionSeed,
      List<List<Double>> projections,
      Projected projected,
      List<List<Double>> projectedSample) {

    /** Checks the shape. */
    public Embedding {
      if (projections == null || projected == null) {
        throw new InvalidProfileException("embedding needs projections and projected");
      }
      int k = projections.size();
      if (projected.binEdges().size() != k || projected.counts().size() != k) {
        throw new InvalidProfileException(
            "embedding.projected needs bin_edges and counts for each of the " + k + " projections");
      }
      projectedSample = projectedSample == null ? List.of() : List.copyOf(projectedSample);
      for (List<Double> point : projectedSample) {
        if (point.size() != k) {
          throw new InvalidProfileException(
              "embedding.projected_sample points need " + k + " values, one has " + point.size());
        }
      }
    }

    /** Number of projections k. */
    public int k() {
      return projections.size();
    }
  }

  /**
   * Per-projection histograms.
   *
   * @param binEdges bin edges per projection
   * @param counts counts per projection
   */
  public record Projected(List<List<Double>> binEdges, List<List<Double>> counts) {}

  /** Checks the required parts. */
  public ReferenceProfile {
    if (schemaVersion != 1) {
      throw new InvalidProfileException("schema_version must be 1, was " + schemaVersion);
    }
    if (labels == null || labels.isEmpty()) {
      throw new InvalidProfileException("labels is required");
    }
    if (predictedLabelDistribution == null || predictedLabelDistribution.isEmpty()) {
      throw new InvalidProfileException("predicted_label_distribution is required");
    }
    if (textLength == null || confidence == null) {
      throw new InvalidProfileException("text_length and confidence are required");
    }
    labelDistribution = labelDistribution == null ? Map.of() : labelDistribution;
  }

  /**
   * Reads a {@code reference_profile.json}.
   *
   * @throws InvalidProfileException if it is not valid JSON of schema version 1
   */
  public static ReferenceProfile parse(byte[] json) {
    try {
      ReferenceProfile profile = JSON.readValue(json, ReferenceProfile.class);
      if (profile == null) {
        throw new InvalidProfileException("the profile is JSON null");
      }
      return profile;
    } catch (IOException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidProfileException invalid) {
        throw invalid;
      }
      throw new InvalidProfileException("not a valid reference_profile.json: " + e.getMessage());
    }
  }

  /** This profile as {@code reference_profile.json} bytes. */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a reference profile", e);
    }
  }

  static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** A reference_profile.json that cannot be used. */
  public static final class InvalidProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With what is wrong. */
    public InvalidProfileException(String message) {
      super(message);
    }
  }
}
