package dev.tuneloop.curation.domain;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * Every record kept in any version of one dataset: exact hashes, LSH buckets and split per record,
 * so that a later batch is deduplicated against all earlier versions and a near duplicate of an
 * earlier test or validation record never enters training. Withdrawn records stop matching. Not
 * thread-safe: one curation per dataset at a time.
 */
public final class DatasetIndex {

  private final MinHasher hasher;
  private final List<IndexEntry> entries = new ArrayList<>();
  private final Map<String, Integer> byHash = new HashMap<>();
  private final Map<String, Integer> byId = new HashMap<>();
  private final Map<String, Split> groupSplits = new HashMap<>();
  private final Map<String, long[]> labelCounts = new HashMap<>();
  private final BitSet withdrawn = new BitSet();
  private final LshTable lsh;

  /** An empty index. */
  public DatasetIndex(MinHasher hasher) {
    this(hasher, 1024);
  }

  /** An empty index sized for about {@code expected} records. */
  public DatasetIndex(MinHasher hasher, int expected) {
    this.hasher = hasher;
    this.lsh = new LshTable(hasher.settings().bands(), expected);
  }

  /** The hasher (and so the settings) of this index. */
  public MinHasher hasher() {
    return hasher;
  }

  /** Adds an entry; its shingles are recomputed from the normalized text. */
  public void add(IndexEntry entry) {
    add(entry, hasher.bandKeys(hasher.signature(hasher.shingles(entry.normalized()))));
  }

  /** Adds an entry whose band keys the caller already computed. */
  public void add(IndexEntry entry, long[] bandKeys) {
    int position = entries.size();
    entries.add(entry);
    lsh.add(bandKeys);
    Integer previous = byHash.get(entry.hash());
    if (previous == null || withdrawn.get(previous)) {
      byHash.put(entry.hash(), position);
    }
    byId.put(entry.id(), position);
    if (entry.group() != null) {
      groupSplits.putIfAbsent(entry.group(), entry.split());
    }
    labelCounts.computeIfAbsent(entry.label(), l -> new long[3])[entry.split().ordinal()]++;
  }

  /** Number of entries ever added, withdrawn included. */
  public int size() {
    return entries.size();
  }

  /** Entry at {@code position}. */
  public IndexEntry entry(int position) {
    return entries.get(position);
  }

  /** All entries, in the order they were added. */
  public List<IndexEntry> entries() {
    return Collections.unmodifiableList(entries);
  }

  /** Position of a live entry with this normalized-text hash, or -1. */
  public int findExact(String hash) {
    Integer p = byHash.get(hash);
    return p == null || withdrawn.get(p) ? -1 : p;
  }

  /** Position of the live entry with this id, or -1. */
  public int findId(String id) {
    Integer p = byId.get(id);
    return p == null || withdrawn.get(p) ? -1 : p;
  }

  /**
   * Calls {@code visitor} once for every live entry whose true Jaccard similarity with {@code
   * shingles} is at or above the threshold, among the LSH candidates of {@code bandKeys}.
   */
  public void forEachNearDuplicate(long[] shingles, long[] bandKeys, IntConsumer visitor) {
    if (entries.isEmpty()) {
      return;
    }
    BitSet seen = new BitSet();
    double threshold = hasher.settings().threshold();
    lsh.forEachCandidate(
        bandKeys,
        p -> {
          if (seen.get(p) || withdrawn.get(p)) {
            return;
          }
          seen.set(p);
          long[] other = hasher.shingles(entries.get(p).normalized());
          if (MinHasher.jaccard(shingles, other) >= threshold) {
            visitor.accept(p);
          }
        });
  }

  /** The split a group key is bound to, or null when the group is new. */
  public Split groupSplit(String group) {
    return groupSplits.get(group);
  }

  /** Live-or-not records of a label per split (indexed by ordinal); a fresh array when none. */
  public long[] labelCounts(String label) {
    return labelCounts.computeIfAbsent(label, l -> new long[3]);
  }

  /** Labels of the dataset so far, sorted. */
  public TreeSet<String> labels() {
    return new TreeSet<>(labelCounts.keySet());
  }

  /**
   * Withdraws the record with this id: it no longer blocks duplicates of itself.
   *
   * @return whether a live entry was withdrawn
   */
  public boolean withdraw(String id) {
    Integer p = byId.get(id);
    if (p == null || withdrawn.get(p)) {
      return false;
    }
    withdrawn.set(p);
    return true;
  }

  /** Whether the entry at {@code position} was withdrawn. */
  public boolean isWithdrawn(int position) {
    return withdrawn.get(position);
  }
}
