package dev.tuneloop.curation.domain;

import java.util.Arrays;

/**
 * LSH buckets: band key -> the items whose signature has that key, in primitive arrays (an
 * open-addressing table of keys to chain heads, one chain link per item and band), so a million
 * items cost tens of megabytes instead of millions of boxed objects.
 */
public final class LshTable {

  private static final int EMPTY = -1;

  private final int bands;
  private long[] keys;
  private int[] heads;
  private int used;
  private int[] next; // posting p = item * bands + band; next[p] = following posting in the chain
  private int items;

  /** A table for signatures with {@code bands} band keys each. */
  public LshTable(int bands, int expectedItems) {
    this.bands = bands;
    // Room for every expected key at a load of at most 3/4 (linear probing stays short there).
    long wanted = Math.max(16L, (long) expectedItems * bands * 4 / 3);
    int capacity = (int) Math.min(1L << 30, Long.highestOneBit(wanted - 1) << 1);
    keys = new long[capacity];
    heads = new int[capacity];
    Arrays.fill(heads, EMPTY);
    next = new int[Math.max(16, expectedItems) * bands];
  }

  /** Number of items added. */
  public int size() {
    return items;
  }

  /** Adds the next item (numbered from 0 in the order of adding) with its band keys. */
  public int add(long[] bandKeys) {
    int item = items++;
    if ((long) items * bands > next.length) {
      next = Arrays.copyOf(next, Math.max(next.length * 2, items * bands));
    }
    for (int band = 0; band < bands; band++) {
      if ((long) (used + 1) * 4 > (long) keys.length * 3) {
        grow();
      }
      int slot = slotOf(bandKeys[band]);
      int posting = item * bands + band;
      if (heads[slot] == EMPTY) {
        keys[slot] = bandKeys[band];
        used++;
        next[posting] = EMPTY;
      } else {
        next[posting] = heads[slot];
      }
      heads[slot] = posting;
    }
    return item;
  }

  /**
   * Calls {@code visitor} for every item sharing at least one band key (an item may be visited once
   * per shared band; callers deduplicate).
   */
  public void forEachCandidate(long[] bandKeys, java.util.function.IntConsumer visitor) {
    for (int band = 0; band < bands; band++) {
      int slot = slotOf(bandKeys[band]);
      for (int p = heads[slot]; p != EMPTY; p = next[p]) {
        if (p % bands == band) {
          visitor.accept(p / bands);
        }
      }
    }
  }

  private int slotOf(long key) {
    int mask = keys.length - 1;
    int slot = (int) MinHasher.mix(key) & mask;
    while (heads[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldHeads = heads;
    keys = new long[oldKeys.length * 2];
    heads = new int[oldHeads.length * 2];
    Arrays.fill(heads, EMPTY);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldHeads[i] != EMPTY) {
        int slot = slotOf(oldKeys[i]);
        keys[slot] = oldKeys[i];
        heads[slot] = oldHeads[i];
      }
    }
  }
}
