package dev.tuneloop.curation.domain;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * What curating one batch produced. Always {@code received == accepted + rejections.size()}.
 *
 * @param received records read from the batch
 * @param added records accepted, per split, in content-hash order
 * @param rejections rejected and quarantined records, in line order
 * @param rejectedByReason rejection counts by reason code
 * @param duplicates duplicate and conflict counts per split code ({@code unassigned} for conflicts
 *     inside the batch that match no kept record)
 * @param agreement inter-annotator agreement of the batch
 * @param labels the dataset's label set after this batch
 */
public record BatchCuration(
    long received,
    Map<Split, List<CuratedRecord>> added,
    List<Rejection> rejections,
    Map<String, Long> rejectedByReason,
    Map<String, DuplicateCounts> duplicates,
    AgreementStatistics.Report agreement,
    SortedSet<String> labels) {

  /** Records accepted over all splits. */
  public long accepted() {
    return added.values().stream().mapToLong(List::size).sum();
  }
}
