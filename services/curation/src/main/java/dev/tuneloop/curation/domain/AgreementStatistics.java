package dev.tuneloop.curation.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Inter-annotator agreement over the multi-annotated records of a batch: each annotator's agreement
 * with the consensus, Cohen's kappa when exactly two annotators labelled, Fleiss' kappa when more
 * did.
 */
public final class AgreementStatistics {

  /**
   * The agreement figures reported in a manifest.
   *
   * @param records multi-annotated records considered
   * @param annotators number of distinct annotators
   * @param perAnnotator each annotator's share of labels equal to the consensus (over the records
   *     that have one)
   * @param cohensKappa Cohen's kappa for two annotators (over records both labelled), else null
   * @param fleissKappa Fleiss' kappa for three or more annotators (over records with the most
   *     common number of annotations), else null
   */
  public record Report(
      int records,
      int annotators,
      Map<String, Double> perAnnotator,
      Double cohensKappa,
      Double fleissKappa) {}

  private final List<List<Annotation>> items = new ArrayList<>();
  private final List<String> consensus = new ArrayList<>();

  /** Adds a record's annotations and its consensus label (null when it had none). */
  public void add(List<Annotation> annotations, String consensusLabel) {
    if (annotations.size() < 2) {
      return; // a single annotator says nothing about agreement
    }
    items.add(List.copyOf(annotations));
    consensus.add(consensusLabel);
  }

  /** The figures so far. */
  public Report report() {
    Map<String, int[]> hits = new TreeMap<>();
    TreeSet<String> annotators = new TreeSet<>();
    for (int i = 0; i < items.size(); i++) {
      for (Annotation a : items.get(i)) {
        annotators.add(a.annotator());
        if (consensus.get(i) != null) {
          int[] h = hits.computeIfAbsent(a.annotator(), k -> new int[2]);
          h[1]++;
          if (a.label().equals(consensus.get(i))) {
            h[0]++;
          }
        }
      }
    }
    Map<String, Double> perAnnotator = new TreeMap<>();
    hits.forEach((k, h) -> perAnnotator.put(k, (double) h[0] / h[1]));
    Double cohen = null;
    Double fleiss = null;
    if (annotators.size() == 2) {
      List<String[]> pairs = new ArrayList<>();
      String first = annotators.first();
      for (List<Annotation> item : items) {
        String a = null;
        String b = null;
        for (Annotation x : item) {
          if (x.annotator().equals(first)) {
            a = x.label();
          } else {
            b = x.label();
          }
        }
        if (a != null && b != null) {
          pairs.add(new String[] {a, b});
        }
      }
      cohen = pairs.isEmpty() ? null : cohensKappa(pairs);
    } else if (annotators.size() > 2) {
      fleiss = fleissKappa(items);
    }
    return new Report(items.size(), annotators.size(), perAnnotator, cohen, fleiss);
  }

  /**
   * Cohen's kappa of two raters: (p_o - p_e) / (1 - p_e). When both raters always give one and the
   * same label, p_e = 1 and agreement is perfect: 1.
   *
   * @param pairs each item's two labels
   */
  public static double cohensKappa(List<String[]> pairs) {
    Map<String, Integer> first = new HashMap<>();
    Map<String, Integer> second = new HashMap<>();
    int agree = 0;
    for (String[] p : pairs) {
      first.merge(p[0], 1, Integer::sum);
      second.merge(p[1], 1, Integer::sum);
      if (p[0].equals(p[1])) {
        agree++;
      }
    }
    double n = pairs.size();
    double po = agree / n;
    double pe = 0;
    for (Map.Entry<String, Integer> e : first.entrySet()) {
      pe += (e.getValue() / n) * (second.getOrDefault(e.getKey(), 0) / n);
    }
    return pe == 1 ? 1.0 : (po - pe) / (1 - pe);
  }

  /**
   * Fleiss' kappa over the items that have the most common number of ratings (the statistic needs
   * the same number of ratings per item): (P̄ - P̄e) / (1 - P̄e).
   */
  public static Double fleissKappa(List<List<Annotation>> items) {
    Map<Integer, Integer> sizes = new HashMap<>();
    for (List<Annotation> item : items) {
      sizes.merge(item.size(), 1, Integer::sum);
    }
    int n =
        sizes.entrySet().stream()
            .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry::getKey))
            .orElseThrow()
            .getKey();
    Map<String, Integer> totals = new HashMap<>();
    double sumPi = 0;
    int count = 0;
    for (List<Annotation> item : items) {
      if (item.size() != n) {
        continue;
      }
      Map<String, Integer> c = new HashMap<>();
      for (Annotation a : item) {
        c.merge(a.label(), 1, Integer::sum);
        totals.merge(a.label(), 1, Integer::sum);
      }
      double agreeingPairs = 0;
      for (int v : c.values()) {
        agreeingPairs += (double) v * (v - 1);
      }
      sumPi += agreeingPairs / ((double) n * (n - 1));
      count++;
    }
    if (count == 0 || n < 2) {
      return null;
    }
    double pBar = sumPi / count;
    double pe = 0;
    for (int t : totals.values()) {
      double p = (double) t / ((double) count * n);
      pe += p * p;
    }
    return pe == 1 ? 1.0 : (pBar - pe) / (1 - pe);
  }
}
