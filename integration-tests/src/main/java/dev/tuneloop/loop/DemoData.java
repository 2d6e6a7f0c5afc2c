package dev.tuneloop.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * The SpamAssassin corpus cut into two worlds. The first world is easy ham and the early spam set:
 * its training records go to curation, the rest is live traffic. The shifted world is hard ham and
 * the later spam set (other senders, other years): half of it arrives as new labelled data, the
 * other half as live traffic.
 *
 * @param firstTraining labelled records of the first world (easy-ham-1, 70 % of spam-1)
 * @param firstTraffic traffic of the first world (easy-ham-2, the other 30 % of spam-1)
 * @param shiftTraining labelled records of the shifted world (half of hard-ham-1 and spam-2)
 * @param shiftTraffic traffic of the shifted world (the other halves)
 */
public record DemoData(
    List<LabelledRecord> firstTraining,
    List<LabelledRecord> firstTraffic,
    List<LabelledRecord> shiftTraining,
    List<LabelledRecord> shiftTraffic) {

  /** Splits the corpus by group (records' {@code meta.group}), stably by id. */
  public static DemoData split(List<LabelledRecord> corpus) {
    List<LabelledRecord> firstTraining = new ArrayList<>();
    List<LabelledRecord> firstTraffic = new ArrayList<>();
    List<LabelledRecord> shiftTraining = new ArrayList<>();
    List<LabelledRecord> shiftTraffic = new ArrayList<>();
    for (LabelledRecord record : corpus) {
      switch (record.group()) {
        case "easy-ham-1" -> firstTraining.add(record);
        case "easy-ham-2" -> firstTraffic.add(record);
        case "spam-1" -> (record.bucket(10) < 7 ? firstTraining : firstTraffic).add(record);
        case "hard-ham-1", "spam-2" ->
            (record.bucket(2) == 0 ? shiftTraining : shiftTraffic).add(record);
        default -> firstTraining.add(record);
      }
    }
    if (firstTraining.isEmpty() || firstTraffic.isEmpty()) {
      throw new IllegalArgumentException(
          "the records need meta.group values easy-ham-1, easy-ham-2, spam-1 (and hard-ham-1,"
              + " spam-2 for the shift); see deploy/local/datasets/spam-assassin");
    }
    return new DemoData(firstTraining, firstTraffic, shiftTraining, shiftTraffic);
  }
}
