package dev.tuneloop.curation.domain;

import java.util.Set;
import java.util.TreeSet;

/**
 * How one dataset is curated.
 *
 * @param minHash near-duplicate settings
 * @param ratios target split shares
 * @param agreementThreshold least share of annotators behind the majority label
 * @param limits size limits for lines and texts
 * @param declaredLabels the dataset's label set; empty means "fixed by its first version"
 * @param allowNewLabels whether labels outside the set are accepted (and join it)
 * @param groupKey a {@code meta} field whose value keeps records together in one split, or null
 */
public record CurationPolicy(
    MinHashSettings minHash,
    SplitRatios ratios,
    double agreementThreshold,
    RecordLimits limits,
    Set<String> declaredLabels,
    boolean allowNewLabels,
    String groupKey) {

  /** Defaults: {@link MinHashSettings#DEFAULT}, 80/10/10, agreement 0.6, default limits. */
  public static final CurationPolicy DEFAULT =
      new CurationPolicy(
          MinHashSettings.DEFAULT,
          SplitRatios.DEFAULT,
          0.6,
          RecordLimits.DEFAULT,
          Set.of(),
          false,
          null);

  /** Copies the label set in sorted order. */
  public CurationPolicy {
    declaredLabels = java.util.Collections.unmodifiableSet(new TreeSet<>(declaredLabels));
    if (groupKey != null && groupKey.isBlank()) {
      groupKey = null;
    }
  }
}
