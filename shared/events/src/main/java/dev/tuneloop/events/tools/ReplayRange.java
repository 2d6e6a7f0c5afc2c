package dev.tuneloop.events.tools;

import java.util.OptionalLong;

/**
 * Which offsets of one dead-letter partition a replay reads, from what Kafka reports and what the
 * operator asked for.
 *
 * <p>The replay group's committed offset is a watermark: every record below it was republished (or
 * deliberately skipped) before, so a run starts at the watermark at the earliest. Records between
 * the watermark and {@code --from-offset} are skipped, and the watermark moves past them when the
 * run commits (if the range holds any record), so they are never replayed later by accident.
 *
 * @param partition the partition
 * @param logStart the partition's first offset still on the broker
 * @param logEnd the partition's end offset (the next offset to be written) when the run started
 * @param committed the replay group's committed offset (empty: never replayed)
 * @param start the first offset to read
 * @param stop the offset to stop before (exclusive); {@code start >= stop} means nothing to read
 */
public record ReplayRange(
    int partition, long logStart, long logEnd, OptionalLong committed, long start, long stop) {

  /**
   * The range to read.
   *
   * @param from {@code --from-offset} (empty: from the watermark or the log start)
   * @param to {@code --to-offset}, inclusive (empty: to the log end)
   */
  public static ReplayRange of(
      int partition,
      long logStart,
      long logEnd,
      OptionalLong committed,
      OptionalLong from,
      OptionalLong to) {
    long start = Math.max(logStart, committed.orElse(logStart));
    if (from.isPresent()) {
      start = Math.max(start, from.getAsLong());
    }
    long stop = logEnd;
    if (to.isPresent() && to.getAsLong() < Long.MAX_VALUE) {
      stop = Math.min(stop, to.getAsLong() + 1);
    }
    return new ReplayRange(partition, logStart, logEnd, committed, start, stop);
  }

  /** The offset replays resume from: the watermark, or the log start when there is none. */
  public long watermark() {
    return Math.max(logStart, committed.orElse(logStart));
  }

  /** Whether there is anything to read. */
  public boolean isEmpty() {
    return start >= stop;
  }

  /** How many offsets will be read (an upper bound on the records: none are compacted away). */
  public long size() {
    return isEmpty() ? 0 : stop - start;
  }

  /** Offsets below the watermark inside the asked range: replayed by an earlier run. */
  public long alreadyReplayed(OptionalLong from, OptionalLong to) {
    long low = Math.max(logStart, from.orElse(logStart));
    long high = Math.min(watermark(), to.isPresent() ? to.getAsLong() + 1 : logEnd);
    return Math.max(0, high - low);
  }

  /**
   * Offsets between the watermark and {@code start} that this run skips and marks handled (only
   * when it reads anything: an empty range commits nothing).
   */
  public long skipped() {
    return isEmpty() ? 0 : start - watermark();
  }

  /** Whether {@code offset} is below the watermark, i.e. replayed (or skipped) before. */
  public boolean isReplayed(long offset) {
    return committed.isPresent() && offset < committed.getAsLong();
  }
}
