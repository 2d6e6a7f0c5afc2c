package dev.tuneloop.trainer.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Chooses the training lines of a job. A dataset version's {@code train.jsonl} holds every earlier
 * version's records first and this version's additions last (curation appends). A job that starts
 * from scratch trains on all of it. A job that warm-starts from the champion (which has seen the
 * earlier records) trains on this version's additions plus a seeded random share of the earlier
 * records (rehearsal against forgetting).
 */
public final class TrainingSetMixer {

  private TrainingSetMixer() {}

  /**
   * The lines to train on, in file order.
   *
   * @param lines the version's train split, earlier records first
   * @param added how many lines at the end this version added
   * @param warmStart whether the job starts from an earlier model
   * @param rehearsalFraction share of earlier lines to keep for a warm start, in [0, 1]
   * @param seed seed of the sample
   */
  public static List<String> select(
      List<String> lines, long added, boolean warmStart, double rehearsalFraction, long seed) {
    if (added < 0 || added > lines.size()) {
      throw new IllegalArgumentException(
          "added must be in [0, " + lines.size() + "], was " + added);
    }
    if (rehearsalFraction < 0 || rehearsalFraction > 1) {
      throw new IllegalArgumentException("rehearsalFraction must be in [0, 1]");
    }
    if (!warmStart || added == 0 || added == lines.size()) {
      // Nothing new to focus on, or nothing earlier to rehearse: the whole split.
      return List.copyOf(lines);
    }
    int earlier = lines.size() - (int) added;
    int keep = (int) Math.round(earlier * rehearsalFraction);
    List<Integer> indices = new ArrayList<>(earlier);
    for (int i = 0; i < earlier; i++) {
      indices.add(i);
    }
    Collections.shuffle(indices, new Random(seed));
    List<Integer> kept = new ArrayList<>(indices.subList(0, keep));
    Collections.sort(kept);
    List<String> out = new ArrayList<>(keep + (int) added);
    kept.forEach(i -> out.add(lines.get(i)));
    out.addAll(lines.subList(earlier, lines.size()));
    return out;
  }
}
