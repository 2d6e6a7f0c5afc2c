package dev.tuneloop.monitor.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.monitor.domain.RetrainingPolicy.DatasetVersion;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds a dataset's latest version in {@code tuneloop-datasets} when the policy has seen no curated
 * event for it (e.g. drift right after a first start).
 */
@ApplicationScoped
public class DatasetCatalog {

  private static final Pattern VERSION = Pattern.compile(".*/v(\\d+)/");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectStore store;

  DatasetCatalog(ObjectStore store) {
    this.store = store;
  }

  /** The latest version of {@code dataset} with its training records; null when it has none. */
  public @Nullable DatasetVersion latest(String dataset) {
    int latest = 0;
    for (String prefix : store.listPrefixes(Buckets.DATASETS, dataset + "/")) {
      Matcher m = VERSION.matcher(prefix);
      if (m.matches()) {
        latest = Math.max(latest, Integer.parseInt(m.group(1)));
      }
    }
    if (latest == 0) {
      return null;
    }
    String key = dataset + "/v" + latest + "/manifest.json";
    if (!store.exists(Buckets.DATASETS, key)) {
      return null;
    }
    try {
      JsonNode manifest = JSON.readTree(store.getBytes(Buckets.DATASETS, key, 16 << 20));
      long train = manifest.path("splits").path("train").path("records").asLong(0);
      return new DatasetVersion(dataset, latest, train);
    } catch (IOException e) {
      throw new IllegalStateException("s3://" + Buckets.DATASETS + "/" + key + " is not JSON", e);
    }
  }
}
