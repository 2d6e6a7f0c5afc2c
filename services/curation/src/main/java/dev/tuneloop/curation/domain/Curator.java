package dev.tuneloop.curation.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Curates one raw batch against a dataset's index: label consensus, label set, exact and near
 * duplicates (inside the batch and against every earlier version), conflict quarantine and stable
 * stratified splits. Accepted records are added to the index.
 *
 * <p>Duplicates are removed, keeping the earliest record: one already in the dataset, else the
 * first in the batch. Duplicates (exact or near, transitively) that disagree on the label are never
 * resolved: the new records are quarantined as {@code label_conflict}. Since a near duplicate of a
 * kept record is never kept itself, no near duplicate of an earlier test or validation record can
 * reach a later training split.
 */
public final class Curator {

  private final CurationPolicy policy;
  private final LabelConsensus consensus;
  private final SplitAssigner assigner;

  /** A curator following {@code policy}. */
  public Curator(CurationPolicy policy) {
    this.policy = policy;
    this.consensus = new LabelConsensus(policy.agreementThreshold());
    this.assigner = new SplitAssigner(policy.ratios());
  }

  /** The policy. */
  public CurationPolicy policy() {
    return policy;
  }

  private static final class Candidate {
    final IncomingRecord record;
    final String label;
    final String normalized;
    final String hash;
    long[] bandKeys;
    final Set<Integer> existing = new TreeSet<>();

    Candidate(IncomingRecord record, String label, String normalized, String hash) {
      this.record = record;
      this.label = label;
      this.normalized = normalized;
      this.hash = hash;
    }
  }

  /**
   * Curates the batch {@code reader} reads, as part of {@code version}.
   *
   * @throws java.io.UncheckedIOException if the batch cannot be read
   */
  public BatchCuration curate(DatasetIndex index, RecordReader reader, int version) {
    List<Rejection> rejections = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    AgreementStatistics agreement = new AgreementStatistics();
    TreeSet<String> labels = new TreeSet<>(policy.declaredLabels());
    if (labels.isEmpty()) {
      labels.addAll(index.labels());
    }
    boolean open = labels.isEmpty() || policy.allowNewLabels();
    long received = 0;
    for (ParseOutcome outcome; (outcome = reader.next()) != null; ) {
      received++;
      if (outcome.rejection() != null) {
        rejections.add(outcome.rejection());
        continue;
      }
      IncomingRecord r = outcome.record();
      if (!ids.add(r.id())) {
        rejections.add(
            reject(
                r,
                RejectionReason.DUPLICATE_ID,
                "id '" + r.id() + "' occurs earlier in the batch"));
        continue;
      }
      String label = r.label();
      if (label == null) {
        LabelConsensus.Vote vote = consensus.vote(r.annotations());
        agreement.add(r.annotations(), vote.label());
        if (!vote.accepted()) {
          rejections.add(
              reject(
                  r,
                  RejectionReason.LOW_AGREEMENT,
                  vote.label() == null
                      ? "annotators tie"
                      : String.format(
                          Locale.ROOT,
                          "agreement %.2f is below the threshold %.2f",
                          vote.agreement(),
                          policy.agreementThreshold())));
          continue;
        }
        label = vote.label();
      }
      if (!open && !labels.contains(label)) {
        rejections.add(
            reject(
                r,
                RejectionReason.UNKNOWN_LABEL,
                "label '" + label + "' is not in the dataset's label set " + labels));
        continue;
      }
      String normalized = TextNormalizer.normalize(r.text());
      String hash = TextNormalizer.hash(normalized);
      int sameId = index.findId(r.id());
      if (sameId >= 0 && !index.entry(sameId).hash().equals(hash)) {
        rejections.add(
            reject(
                r,
                RejectionReason.ID_CONFLICT,
                "id '"
                    + r.id()
                    + "' is already in the dataset (version "
                    + index.entry(sameId).version()
                    + ") with a different text"));
        continue;
      }
      candidates.add(new Candidate(r, label, normalized, hash));
    }

    MinHasher hasher = index.hasher();
    // The costly part, independent per record: shingles, signature and band keys in parallel.
    IntStream.range(0, candidates.size())
        .parallel()
        .forEach(
            i -> {
              Candidate c = candidates.get(i);
              // Shingles are not kept: for a large batch they would dominate the heap; the few
              // that LSH candidates need are recomputed below.
              c.bandKeys = hasher.bandKeys(hasher.signature(hasher.shingles(c.normalized)));
            });

    int n = candidates.size();
    int[] parent = IntStream.range(0, n).toArray();
    Map<String, Integer> firstByHash = new HashMap<>();
    LshTable batchLsh = new LshTable(hasher.settings().bands(), Math.max(16, n));
    int[] itemToCandidate = new int[n];
    double threshold = hasher.settings().threshold();
    for (int i = 0; i < n; i++) {
      Candidate c = candidates.get(i);
      int exact = index.findExact(c.hash);
      if (exact >= 0) {
        c.existing.add(exact);
      }
      Integer first = firstByHash.putIfAbsent(c.hash, i);
      if (first != null) {
        union(parent, first, i); // same text: same neighbours as the first occurrence
        continue;
      }
      long[] shingles = hasher.shingles(c.normalized);
      if (exact < 0) {
        index.forEachNearDuplicate(shingles, c.bandKeys, c.existing::add);
      }
      final int self = i;
      Set<Integer> seen = new HashSet<>();
      batchLsh.forEachCandidate(
          c.bandKeys,
          item -> {
            int j = itemToCandidate[item];
            if (seen.add(j)
                && find(parent, j) != find(parent, self)
                && MinHasher.jaccard(shingles, hasher.shingles(candidates.get(j).normalized))
                    >= threshold) {
              union(parent, j, self);
            }
          });
      itemToCandidate[batchLsh.add(c.bandKeys)] = i;
    }

    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
    }

    Map<String, DuplicateCounts> duplicates = new TreeMap<>();
    List<Candidate> representatives = new ArrayList<>();
    Map<Candidate, List<Candidate>> duplicatesOf = new HashMap<>();
    for (List<Integer> members : groups.values()) {
      Set<Integer> existing = new TreeSet<>();
      for (int m : members) {
        existing.addAll(candidates.get(m).existing);
      }
      if (!existing.isEmpty()) {
        IndexEntry primary = index.entry(existing.iterator().next());
        Set<String> existingLabels = new TreeSet<>();
        Set<String> existingHashes = new HashSet<>();
        for (int e : existing) {
          existingLabels.add(index.entry(e).label());
          existingHashes.add(index.entry(e).hash());
        }
        for (int m : members) {
          Candidate c = candidates.get(m);
          String split = primary.split().code();
          if (existingLabels.size() == 1 && existingLabels.contains(c.label)) {
            boolean exact = existingHashes.contains(c.hash);
            rejections.add(
                reject(
                    c.record,
                    exact ? RejectionReason.EXACT_DUPLICATE : RejectionReason.NEAR_DUPLICATE,
                    "duplicates '"
                        + primary.id()
                        + "' of version "
                        + primary.version()
                        + " ("
                        + split
                        + ")"));
            count(
                duplicates,
                split,
                exact ? new DuplicateCounts(1, 0, 0) : new DuplicateCounts(0, 1, 0));
          } else {
            rejections.add(
                reject(
                    c.record,
                    RejectionReason.LABEL_CONFLICT,
                    "labelled '"
                        + c.label
                        + "' but duplicates '"
                        + primary.id()
                        + "' of version "
                        + primary.version()
                        + " labelled "
                        + existingLabels));
            count(duplicates, split, new DuplicateCounts(0, 0, 1));
          }
        }
        continue;
      }
      Set<String> groupLabels = new TreeSet<>();
      for (int m : members) {
        groupLabels.add(candidates.get(m).label);
      }
      if (groupLabels.size() > 1) {
        String ids2 =
            members.stream().map(m -> candidates.get(m).record.id()).limit(5).toList().toString();
        for (int m : members) {
          Candidate c = candidates.get(m);
          rejections.add(
              reject(
                  c.record,
                  RejectionReason.LABEL_CONFLICT,
                  "duplicates in this batch " + ids2 + " carry different labels " + groupLabels));
          count(duplicates, "unassigned", new DuplicateCounts(0, 0, 1));
        }
        continue;
      }
      Candidate representative = candidates.get(members.get(0));
      representatives.add(representative);
      List<Candidate> rest = new ArrayList<>();
      for (int k = 1; k < members.size(); k++) {
        rest.add(candidates.get(members.get(k)));
      }
      duplicatesOf.put(representative, rest);
    }

    // Stable splits: the order of assignment is the content hash, not the batch order.
    representatives.sort(
        Comparator.comparing((Candidate c) -> c.hash).thenComparing(c -> c.record.id()));
    Map<Split, List<CuratedRecord>> added = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      added.put(s, new ArrayList<>());
    }
    Map<String, Split> batchGroups = new HashMap<>();
    for (Candidate c : representatives) {
      String group = groupOf(c.record);
      Split split = group == null ? null : index.groupSplit(group);
      if (split == null && group != null) {
        split = batchGroups.get(group);
      }
      long[] counts = index.labelCounts(c.label);
      if (split == null) {
        split = assigner.assign(counts.clone());
      }
      if (group != null) {
        batchGroups.putIfAbsent(group, split);
      }
      index.add(
          new IndexEntry(c.record.id(), c.hash, c.label, split, group, c.normalized, version),
          c.bandKeys);
      labels.add(c.label);
      added
          .get(split)
          .add(
              new CuratedRecord(
                  c.record.id(),
                  c.record.text(),
                  c.label,
                  c.record.source(),
                  c.record.meta(),
                  split,
                  c.hash));
      for (Candidate d : duplicatesOf.get(c)) {
        boolean exact = d.hash.equals(c.hash);
        rejections.add(
            reject(
                d.record,
                exact ? RejectionReason.EXACT_DUPLICATE : RejectionReason.NEAR_DUPLICATE,
                "duplicates '"
                    + c.record.id()
                    + "' (line "
                    + c.record.line()
                    + ", "
                    + split.code()
                    + ")"));
        count(
            duplicates,
            split.code(),
            exact ? new DuplicateCounts(1, 0, 0) : new DuplicateCounts(0, 1, 0));
      }
    }

    rejections.sort(Comparator.comparingLong(Rejection::line));
    Map<String, Long> byReason = new TreeMap<>();
    for (Rejection r : rejections) {
      byReason.merge(r.reason().code(), 1L, Long::sum);
    }
    return new BatchCuration(
        received, added, rejections, byReason, duplicates, agreement.report(), labels);
  }

  private String groupOf(IncomingRecord r) {
    if (policy.groupKey() == null) {
      return null;
    }
    Object value = r.meta().get(policy.groupKey());
    return value == null ? null : value.toString();
  }

  private static void count(Map<String, DuplicateCounts> counts, String split, DuplicateCounts d) {
    counts.merge(split, d, DuplicateCounts::plus);
  }

  private static Rejection reject(IncomingRecord r, RejectionReason reason, String detail) {
    return new Rejection(r.line(), reason, detail, r.id(), r.text());
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      // the smaller index stays root, so the earliest record represents the group
      if (ra < rb) {
        parent[rb] = ra;
      } else {
        parent[ra] = rb;
      }
    }
  }
}
