package dev.tuneloop.serving.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Projects pooled embeddings on the k directions of a model's {@code reference_profile.json}
 * ({@code embedding.projections}), so the monitor can compare production inputs with the training
 * data without ever seeing the texts.
 */
public final class EmbeddingProjector {

  /** The reference profile's file name in a model artifact. */
  public static final String REFERENCE_PROFILE_FILE = "reference_profile.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final float[][] directions;

  /**
   * @param directions k vectors of the embedding's dimension
   */
  public EmbeddingProjector(float[][] directions) {
    if (directions.length == 0) {
      throw new IllegalArgumentException("at least one projection is needed");
    }
    int dimension = directions[0].length;
    for (float[] direction : directions) {
      if (direction.length != dimension || dimension == 0) {
        throw new IllegalArgumentException("projections must all have the same, non-zero length");
      }
    }
    this.directions = directions;
  }

  /**
   * The projector of an artifact folder's reference profile, or null when the folder has no profile
   * or the profile has no {@code embedding.projections}.
   *
   * @throws IOException if the profile exists but is not valid JSON or its projections are ragged
   */
  public static @Nullable EmbeddingProjector read(Path artifactFolder) throws IOException {
    Path file = artifactFolder.resolve(REFERENCE_PROFILE_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    JsonNode projections = JSON.readTree(file.toFile()).path("embedding").path("projections");
    if (!projections.isArray() || projections.isEmpty()) {
      return null;
    }
    float[][] directions = new float[projections.size()][];
    for (int i = 0; i < directions.length; i++) {
      JsonNode row = projections.get(i);
      if (!row.isArray()) {
        throw new IOException(file + ": embedding.projections[" + i + "] is not an array");
      }
      directions[i] = new float[row.size()];
      for (int j = 0; j < row.size(); j++) {
        if (!row.get(j).isNumber()) {
          throw new IOException(
              file + ": embedding.projections[" + i + "][" + j + "] not a number");
        }
        directions[i][j] = (float) row.get(j).asDouble();
      }
    }
    try {
      return new EmbeddingProjector(directions);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The embedding dimension the directions expect. */
  public int dimension() {
    return directions[0].length;
  }

  /**
   * The dot product of {@code embedding} with each direction.
   *
   * @throws IllegalArgumentException if the embedding's dimension differs
   */
  public List<Double> project(float[] embedding) {
    if (embedding.length != dimension()) {
      throw new IllegalArgumentException(
          "embedding has " + embedding.length + " values, the projections " + dimension());
    }
    List<Double> out = new ArrayList<>(directions.length);
    for (float[] direction : directions) {
      double sum = 0;
      for (int i = 0; i < embedding.length; i++) {
        sum += (double) embedding[i] * direction[i];
      }
      out.add(sum);
    }
    return out;
  }
}
